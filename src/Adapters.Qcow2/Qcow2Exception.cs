namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// A qcow2 image (or one of its backing files) cannot be used. The message is one line that names
/// the file and the field or feature at fault, ready to show to the user as is.
/// </summary>
public sealed class Qcow2Exception(string message) : Exception(message);
