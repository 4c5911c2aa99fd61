namespace FaceFunctions.Index;

/// <summary>
/// Approximate search over an HNSW graph (USearch, cosine), built in the constructor from every row on all cores; the
/// model format stores vectors, not a graph. USearch serves as many searches at once as it has thread contexts and
/// fails any beyond that, so a semaphore holds extra concurrent searches until a context is free: any number of
/// callers is safe. Rows are the keys, so hits name rows as the exact index does.
/// </summary>
public sealed class HnswVectorIndex : IVectorIndex, IDisposable
{
    private readonly IntPtr _index;
    private readonly SemaphoreSlim _contexts;
    private bool _disposed;

    public HnswVectorIndex(float[] rows, int dimensions, VectorIndexOptions options)
    {
        Dimensions = dimensions;
        Count = IndexArguments.RowCount(rows, dimensions);
        _index = USearchNative.Create(dimensions, options.Connectivity, options.ExpansionAdd, options.ExpansionSearch);
        try
        {
            var threads = Environment.ProcessorCount;
            USearchNative.Reserve(_index, Count, threads);
            _contexts = new SemaphoreSlim(threads, threads);
            Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, row =>
                USearchNative.Add(_index, (ulong)row, rows.AsSpan(row * dimensions, dimensions)));
        }
        catch
        {
            USearchNative.Free(_index);
            throw;
        }
    }

    public int Count { get; }
    public int Dimensions { get; }

    /// <summary>
    /// Changes the candidates kept while searching (ef), so that one graph can be measured at several settings; call
    /// it only while no search runs.
    /// </summary>
    public void SetExpansionSearch(int expansion) => USearchNative.SetExpansionSearch(_index, expansion);

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        k = IndexArguments.Clamp(query, k, this);
        if (k == 0) return [];
        var keys = new ulong[k];
        var distances = new float[k];
        int found;
        _contexts.Wait();
        try
        {
            found = USearchNative.Search(_index, query, keys, distances);
        }
        finally
        {
            _contexts.Release();
        }
        var hits = new SearchHit[found];
        for (var i = 0; i < found; i++) hits[i] = new SearchHit((int)keys[i], 1f - distances[i]);
        return hits;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        USearchNative.Free(_index);
        _contexts.Dispose();
    }
}
