using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceFunctions.Tests.Imaging;
using Xunit;
using Xunit.Abstractions;

namespace FaceFunctions.Tests.Api;

/// <summary>
/// Mutated images of every accepted format sent to search over real HTTP: none may get a 5xx but 503, an error
/// without problem details, or an answer slower than <see cref="SlowestAnswer"/>. FACEFUNCTIONS_FUZZ_INPUTS sets how
/// many (300 in CI; docs/bad-input.md has the 10,000-input run), FACEFUNCTIONS_FUZZ_REPORT a JSON file for the counts.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class IntakeFuzzTests(ServiceFixture service, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static readonly TimeSpan SlowestAnswer = TimeSpan.FromSeconds(10);

    private static int Inputs =>
        int.TryParse(Environment.GetEnvironmentVariable("FACEFUNCTIONS_FUZZ_INPUTS"), out var n) && n > 0 ? n : 300;

    [Fact]
    public async Task Mutated_images_get_an_answer_or_a_problem_never_a_500_or_a_hang()
    {
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;
        foreach (var input in ImageMutations.Generate(Inputs))
        {
            using var content = new ByteArrayContent(input.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(input.ContentType);
            var clock = Stopwatch.StartNew();
            using var response = await service.Client.PostAsync("/api/search?k=1", content);
            var body = await response.Content.ReadAsStringAsync();
            var took = clock.Elapsed;
            slowest = took > slowest ? took : slowest;
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var what = $"#{input.Number} {input.Format} ({input.Mutation}): {status} in {took.TotalMilliseconds:F0} ms";
            if (status >= 500 && status != 503)
                failures.Add($"{what}: {body}");
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{what} without problem details");
            else if (took > SlowestAnswer)
                failures.Add($"{what}: slower than {SlowestAnswer.TotalSeconds} s");
        }
        var summary = $"{Inputs} inputs: " + string.Join(", ", statuses.Select(p => $"{p.Value} x {p.Key}")) +
                      $"; slowest {slowest.TotalMilliseconds:F0} ms; {failures.Count} failures";
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("FACEFUNCTIONS_FUZZ_REPORT") is { Length: > 0 } report)
            await File.WriteAllTextAsync(report, JsonSerializer.Serialize(new
            {
                inputs = Inputs, statuses = statuses.ToDictionary(p => p.Key.ToString(), p => p.Value),
                slowestMs = slowest.TotalMilliseconds, failures,
            }, Indented));
        Assert.True(failures.Count == 0, summary + "\n" + string.Join("\n", failures.Take(20)));
        Assert.True(statuses.GetValueOrDefault(200) > 0 && statuses.Keys.Any(s => s >= 400), "the mutations reach both the decoder's success and its failures");
    }
}
