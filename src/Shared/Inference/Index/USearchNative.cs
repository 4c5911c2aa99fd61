using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace FaceFunctions.Index;

/// <summary>
/// The few functions of USearch's C library (libusearch_c, shipped by the Cloud.Unum.USearch package) that
/// <see cref="HnswVectorIndex"/> calls directly. Why not the package's USearchIndex wrapper: its Add reserves room for
/// exactly one more vector on every call, growing the graph's arrays each time, it adds from one thread only, and it has
/// no setter for the search expansion. The C library reserves room once, adds from several threads, and changes the
/// expansion in place.
/// </summary>
internal static class USearchNative
{
    private const string Library = "libusearch_c";

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr usearch_init(ref IndexOptions options, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void usearch_free(IntPtr index, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void usearch_reserve(IntPtr index, nuint capacity, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern unsafe void usearch_add(IntPtr index, ulong key, float* vector, ScalarKind kind, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern unsafe nuint usearch_search(IntPtr index, float* query, ScalarKind kind, nuint count,
        ulong* keys, float* distances, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void usearch_change_expansion_search(IntPtr index, nuint expansion, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void usearch_change_threads_add(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void usearch_change_threads_search(IntPtr index, nuint threads, out IntPtr error);

    public static IntPtr Create(int dimensions, int connectivity, int expansionAdd, int expansionSearch)
    {
        var options = new IndexOptions(MetricKind.Cos, quantization: ScalarKind.Float32, dimensions: (ulong)dimensions,
            connectivity: (ulong)connectivity, expansionAdd: (ulong)expansionAdd, expansionSearch: (ulong)expansionSearch);
        var index = usearch_init(ref options, out var error);
        ThrowOn(error);
        return index;
    }

    public static void Free(IntPtr index)
    {
        usearch_free(index, out var error);
        ThrowOn(error);
    }

    /// <summary>
    /// Room for <paramref name="capacity"/> vectors and <paramref name="threads"/> contexts for adds and as many for
    /// searches. A call made while every context is taken fails ("Reserve capacity ahead of ..."), so callers must never
    /// run more adds, or more searches, at once than <paramref name="threads"/>.
    /// </summary>
    public static void Reserve(IntPtr index, int capacity, int threads)
    {
        usearch_reserve(index, (nuint)capacity, out var error);
        ThrowOn(error);
        usearch_change_threads_add(index, (nuint)threads, out error);
        ThrowOn(error);
        usearch_change_threads_search(index, (nuint)threads, out error);
        ThrowOn(error);
    }

    /// <summary>Thread-safe while no more calls run at once than the contexts <see cref="Reserve"/> made.</summary>
    public static unsafe void Add(IntPtr index, ulong key, ReadOnlySpan<float> vector)
    {
        IntPtr error;
        fixed (float* data = vector) usearch_add(index, key, data, ScalarKind.Float32, out error);
        ThrowOn(error);
    }

    public static unsafe int Search(IntPtr index, ReadOnlySpan<float> query, Span<ulong> keys, Span<float> distances)
    {
        nuint found;
        IntPtr error;
        fixed (float* data = query)
        fixed (ulong* keyData = keys)
        fixed (float* distanceData = distances)
            found = usearch_search(index, data, ScalarKind.Float32, (nuint)keys.Length, keyData, distanceData, out error);
        ThrowOn(error);
        return (int)found;
    }

    public static void SetExpansionSearch(IntPtr index, int expansion)
    {
        usearch_change_expansion_search(index, (nuint)expansion, out var error);
        ThrowOn(error);
    }

    private static void ThrowOn(IntPtr error)
    {
        if (error != IntPtr.Zero)
            throw new InvalidOperationException($"USearch: {Marshal.PtrToStringAnsi(error)}");
    }
}
