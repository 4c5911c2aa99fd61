using Xunit;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Tests that draw from TorchSharp's random generator, which is one per process: they run alone, one at a time,
/// so that a seed means the same weights and batches in every run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
