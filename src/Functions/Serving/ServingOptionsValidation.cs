using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Serving;

/// <summary>Checks the Serving settings when the host starts, so that a wrong one stops it with every problem named.</summary>
public sealed class ServingOptionsValidation : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        var problems = new List<string>();
        void Require(bool holds, string problem)
        {
            if (!holds) problems.Add($"{ServingOptions.SectionName}:{problem}");
        }
        Require(options.MaxRequestBytes > 0, $"MaxRequestBytes must be positive; it is {options.MaxRequestBytes}.");
        Require(options.MaxImagePixels > 0, $"MaxImagePixels must be positive; it is {options.MaxImagePixels}.");
        Require(options.MaxConcurrentDecodes >= 0, $"MaxConcurrentDecodes must be 0 (one per core) or more; it is {options.MaxConcurrentDecodes}.");
        Require(options.MaxK >= 1, $"MaxK must be at least 1; it is {options.MaxK}.");
        Require(options.DefaultK >= 1 && options.DefaultK <= options.MaxK, $"DefaultK must be from 1 to MaxK ({options.MaxK}); it is {options.DefaultK}.");
        Require(options.MaxTerms >= 1, $"MaxTerms must be at least 1; it is {options.MaxTerms}.");
        Require(options.LoadRetryInterval > TimeSpan.Zero, $"LoadRetryInterval must be positive; it is {options.LoadRetryInterval}.");
        Require(options.PollInterval > TimeSpan.Zero, $"PollInterval must be positive; it is {options.PollInterval}.");
        Require(options.GalleryCompactAfter >= 1, $"GalleryCompactAfter must be at least 1; it is {options.GalleryCompactAfter}.");
        Require(options.InferenceThreads >= 0, $"InferenceThreads must be 0 (ONNX Runtime chooses) or more; it is {options.InferenceThreads}.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Checks the Postgres settings when the host starts (the pgvector backend only).</summary>
public sealed class PostgresOptionsValidation : IValidateOptions<FaceFunctions.Index.Postgres.PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, FaceFunctions.Index.Postgres.PostgresOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
