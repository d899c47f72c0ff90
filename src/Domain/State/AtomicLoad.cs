namespace HexEmu.Domain.State;

/// <summary>Loading a component's section all or nothing.</summary>
public static class AtomicLoad
{
    /// <summary>
    /// Opens section <paramref name="name"/> and hands it to <paramref name="read"/>. If the
    /// section turns out malformed half-way, the component is put back as it was (from what
    /// <paramref name="save"/> wrote just before) and the error goes on to the caller: a bad
    /// state file never leaves a half-loaded component behind.
    /// </summary>
    public static void Section(StateReader r, string name, ushort version, Action<StateWriter> save, Action<SectionReader> read)
    {
        var section = r.Open(name, version);
        var backup = new StateWriter();
        save(backup);
        try
        {
            read(section);
        }
        catch (StateFormatException)
        {
            read(new StateReader(backup.ToArray()).Open(name, version));
            throw;
        }
    }
}
