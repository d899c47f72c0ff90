using HexEmu.Application.Ports;
using HexEmu.Tests.Contracts;

namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>The snapshot-store contract against a real LiteDB file in a temporary directory.</summary>
public sealed class LiteDbContractTests : SnapshotStoreContract
{
    private readonly TempDatabase database = new();

    protected override ISnapshotStore Reopen() => database.Reopen();

    public override void Dispose()
    {
        database.Dispose();
        base.Dispose();
    }
}
