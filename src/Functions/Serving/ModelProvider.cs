namespace FaceFunctions.Functions.Serving;

/// <summary>The model that serves now (null until one is loaded) and why the last load failed, if it did.</summary>
public sealed class ModelProvider
{
    private volatile ServingModel? _current;
    private volatile string? _lastError;

    public ServingModel? Current => _current;
    public string? LastError => _lastError;

    public void Set(ServingModel model)
    {
        _current = model;
        _lastError = null;
    }

    public void Fail(string error) => _lastError = error;
}
