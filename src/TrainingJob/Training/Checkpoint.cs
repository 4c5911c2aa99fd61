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

    /// <summary>
    /// Loads a saved checkpoint of the same configuration: the losses of its epochs, or null when training starts at
    /// epoch 1; either way with the reason, for the log.
    /// </summary>
    public (IReadOnlyList<double>? Losses, string Reason) TryRestore(EmbeddingNetwork network, CompositionLoss? composition)
    {
        if (!Directory.Exists(folder))
            return (null, $"no checkpoint in {folder} yet");
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
            return (null, $"the checkpoint folder {folder} holds no {StateFile} (empty or incomplete); it is replaced at the first save");
        State? state;
        try
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath));
        }
        catch (JsonException e)
        {
            return (null, $"{statePath} cannot be read ({e.Message}); it is replaced at the first save");
        }
        if (state?.Losses is null || state.Configuration != configuration)
            return (null, $"the checkpoint in {folder} belongs to other options or data; it is replaced at the first save");
        network.load(Path.Combine(folder, NetworkFile));
        if (composition is not null)
            composition.load(Path.Combine(folder, CompositionFile));
        return (state.Losses, $"resuming from the checkpoint in {folder}, {state.Losses.Count} epochs done");
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
