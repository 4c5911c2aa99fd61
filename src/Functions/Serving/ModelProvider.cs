namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The model that serves now (null until one is loaded), swapped atomically. A request takes a lease on the current
/// model (<see cref="Acquire"/>) and finishes on that model even if a newer one is swapped in meanwhile; a replaced
/// model is disposed when its last lease ends, however long that takes.
/// </summary>
public sealed class ModelProvider
{
    private volatile ServingModel? _current;
    private volatile LoadFailure? _failure;

    /// <summary>The current model, for a look that needs no lease (health); a request that uses it takes a lease.</summary>
    public ServingModel? Current => _current;

    /// <summary>Why the current state is not what was published (nothing published, storage down, a refused version); null when it is.</summary>
    public LoadFailure? Failure => _failure;

    /// <summary>A lease on the current model, to dispose when the request ends; null while no model is loaded.</summary>
    public ModelLease? Acquire()
    {
        while (true)
        {
            var model = _current;
            if (model is null) return null;
            if (model.TryAcquire()) return new ModelLease(model);
            // Swapped out and retired between the read and the lease: the new current one will do.
        }
    }

    /// <summary>Makes <paramref name="model"/> current; the one it replaces retires when its last lease ends.</summary>
    /// <returns>The version replaced, if any.</returns>
    public string? Swap(ServingModel model)
    {
        _failure = null;
        var replaced = Interlocked.Exchange(ref _current, model);
        replaced?.Release();
        return replaced?.Bundle.Version;
    }

    /// <summary>Records why the last look at storage did not end with the published model serving; kept since it began.</summary>
    public void Fail(LoadFailureKind kind)
    {
        if (_failure?.Kind != kind)
            _failure = new LoadFailure(kind, DateTimeOffset.UtcNow);
    }

    /// <summary>The published model serves and storage answers: nothing is wrong any more.</summary>
    public void Recover() => _failure = null;
}

/// <summary>A request's hold on a model; disposing it lets a replaced model retire.</summary>
public sealed class ModelLease(ServingModel model) : IDisposable
{
    private int _released;

    public ServingModel Model { get; } = model;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            Model.Release();
    }
}

public enum LoadFailureKind
{
    /// <summary>Storage holds no model yet.</summary>
    NothingPublished,
    /// <summary>Storage could not be reached (network, timeouts, authorisation).</summary>
    StorageUnavailable,
    /// <summary>The published version failed its checks (checksums, names, parts that do not fit).</summary>
    ModelRefused,
}

/// <summary>What went wrong, for anonymous answers: a kind and since when; the details go to the log only.</summary>
public sealed record LoadFailure(LoadFailureKind Kind, DateTimeOffset SinceUtc)
{
    public string Message => Kind switch
    {
        LoadFailureKind.NothingPublished => "No model has been published yet.",
        LoadFailureKind.StorageUnavailable => "The model storage cannot be reached.",
        _ => "The published model was refused; the service log says why.",
    };
}
