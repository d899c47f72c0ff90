namespace HexEmu.Domain.Storage;

/// <summary>
/// A disk as a guest-visible device sees it: a fixed number of 512-byte sectors, read and written
/// synchronously. It is the port between a disk controller (Domain) and wherever the bytes live
/// (a raw image file in Host, memory in tests).
/// <para>
/// Calls happen on the machine thread at deterministic points and return before the guest goes
/// on, so the controller needs no timers. A <c>false</c> result means the host could not do the
/// I/O (the image file failed); the controller reports it to the guest as a disk error, as QEMU
/// does with <c>rerror=report</c>/<c>werror=report</c>. Asking for sectors outside
/// 0 … <see cref="SectorCount"/>−1 is the caller's mistake and also answers <c>false</c>.
/// </para>
/// </summary>
public interface IBlockDevice
{
    /// <summary>Bytes per sector; every transfer is a whole number of them.</summary>
    const int SectorSize = 512;

    /// <summary>Number of sectors; fixed while the device is in use.</summary>
    long SectorCount { get; }

    /// <summary>The medium may not be written (the drive reports a write as aborted).</summary>
    bool IsReadOnly { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> (a multiple of <see cref="SectorSize"/> bytes) with the
    /// sectors starting at <paramref name="lba"/>. False on a host I/O error or a range outside the device.
    /// </summary>
    bool TryRead(long lba, Span<byte> destination);

    /// <summary>
    /// Writes <paramref name="source"/> (a multiple of <see cref="SectorSize"/> bytes) to the sectors
    /// starting at <paramref name="lba"/>. False on a host I/O error, a read-only device or a range outside it.
    /// </summary>
    bool TryWrite(long lba, ReadOnlySpan<byte> source);

    /// <summary>Makes every completed write durable (the guest's FLUSH CACHE). False on a host I/O error.</summary>
    bool TryFlush();
}
