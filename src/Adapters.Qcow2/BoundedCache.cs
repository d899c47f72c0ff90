namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// Tables read from the image (L2 tables, refcount blocks) keyed by host offset, at most
/// <c>capacity</c> of them; the least recently used one is dropped. Tables are written through to
/// the file on every change, so dropping one never loses data.
/// </summary>
internal sealed class BoundedCache<T>(int capacity) where T : class
{
    private readonly Dictionary<long, LinkedListNode<(long Key, T Value)>> _map = [];
    private readonly LinkedList<(long Key, T Value)> _order = new();

    public int Count => _map.Count;

    public bool TryGet(long key, out T value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = null!;
        return false;
    }

    public void Add(long key, T value)
    {
        Remove(key);
        if (_map.Count >= capacity && _order.Last is { } last)
        {
            _map.Remove(last.Value.Key);
            _order.RemoveLast();
        }
        _map[key] = _order.AddFirst((key, value));
    }

    public void Remove(long key)
    {
        if (_map.Remove(key, out var node)) _order.Remove(node);
    }
}
