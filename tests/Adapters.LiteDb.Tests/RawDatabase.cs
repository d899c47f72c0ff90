using LiteDB;

namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>The database file opened with plain LiteDB (the store closed), to look at or tamper with what the store wrote.</summary>
internal static class RawDatabase
{
    public static LiteDatabase Open(string path) => new($"Filename={path};Connection=direct");

    public static int Count(string path, string collection)
    {
        using var db = Open(path);
        return db.GetCollection(collection).Count();
    }
}
