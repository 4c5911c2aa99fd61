namespace FaceFunctions.Artifacts;

/// <summary>A model version that must not serve: missing, with a checksum that does not match, or unreadable.</summary>
public sealed class ModelIntegrityException(string message, Exception? inner = null) : Exception(message, inner);
