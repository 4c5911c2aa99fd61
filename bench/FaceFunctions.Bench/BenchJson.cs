using System.Text.Json;

namespace FaceFunctions.Bench;

/// <summary>How the benchmarks write their JSON results: indented, for people and diffs.</summary>
internal static class BenchJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
