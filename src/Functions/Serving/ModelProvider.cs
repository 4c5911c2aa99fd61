namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The model that serves now (null until one is loaded), swapped atomically: a request reads <see cref="Current"/>
/// once and finishes on that model even if a newer one is swapped in meanwhile.
/// </summary>
public sealed class ModelProvider
{
    private volatile ServingModel? _current;
    private volatile string? _lastError;

    public ServingModel? Current => _current;

    /// <summary>Why the last load failed (nothing published, storage down, a refused version); null after a success.</summary>
    public string? LastError => _lastError;

    /// <summary>Makes <paramref name="model"/> current and returns the one it replaces.</summary>
    public ServingModel? Swap(ServingModel model)
    {
        _lastError = null;
        return Interlocked.Exchange(ref _current, model);
    }

    public void Fail(string error) => _lastError = error;
}
