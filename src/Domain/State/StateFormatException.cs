namespace HexEmu.Domain.State;

/// <summary>A saved state cannot be read: wrong magic, missing or truncated section, or a version this build does not know.</summary>
public sealed class StateFormatException(string message) : Exception(message);
