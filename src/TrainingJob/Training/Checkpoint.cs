using System.Text.Json;
using FaceFunctions.TrainingJob.Model;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The network's and the facet vectors' weights and the epochs done, saved during training so that an interrupted
/// run resumes where it stopped. Adam's moments and the random streams are not saved: a resumed run continues from
/// the saved weights but is not bit-identical to an uninterrupted one.
/// </summary>
public sealed class Checkpoint(string folder, string configuration)
{
    private const string NetworkFile = "network.dat";
    private const string CompositionFile = "composition.dat";
    private const string StateFile = "checkpoint.json";

    /// <param name="Configuration">The training options and data the weights belong to; another run's checkpoint is ignored.</param>
    private sealed record State(int Epochs, IReadOnlyList<double> Losses, string Configuration);

    /// <summary>Loads a saved checkpoint of the same configuration and returns the losses of its epochs; null if there is none.</summary>
    public IReadOnlyList<double>? TryRestore(EmbeddingNetwork network, CompositionLoss? composition)
    {
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) return null;
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath))!;
        if (state.Configuration != configuration) return null;
        network.load(Path.Combine(folder, NetworkFile));
        if (composition is not null)
            composition.load(Path.Combine(folder, CompositionFile));
        return state.Losses;
    }

    /// <summary>Saves into a fresh folder, then swaps it in, so a crash while saving keeps the previous checkpoint.</summary>
    public void Save(EmbeddingNetwork network, CompositionLoss? composition, IReadOnlyList<double> losses)
    {
        var staging = folder + ".saving";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        network.save(Path.Combine(staging, NetworkFile));
        composition?.save(Path.Combine(staging, CompositionFile));
        File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(new State(losses.Count, losses, configuration)));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(staging, folder);
    }
}
