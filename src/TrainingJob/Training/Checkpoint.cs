using System.Text.Json;
using FaceFunctions.TrainingJob.Model;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// A training run's checkpoint folder. While the run trains, the network's and the facet vectors' weights are saved
/// every few epochs so that an interrupted run resumes where it stopped. When it ends, the finished weights (after
/// BatchNorm's recalibration) are saved once more and marked finished, beside the run's record
/// (<see cref="CheckpointRecord"/>): that checkpoint lasts, for the export stage and for fine-tuning (train --from).
/// Adam's moments and the random streams are not saved: a resumed run continues from the saved weights but is not
/// bit-identical to an uninterrupted one.
/// </summary>
public sealed class Checkpoint(string folder, string configuration)
{
    public const string NetworkFile = "network.dat";
    private const string CompositionFile = "composition.dat";
    private const string StateFile = "checkpoint.json";

    /// <param name="Configuration">The training options and data the weights belong to; another run's checkpoint is ignored.</param>
    /// <param name="Finished">Every epoch ran (or early stopping kept its best) and BatchNorm was recalibrated.</param>
    private sealed record State(int Epochs, IReadOnlyList<double> Losses, string Configuration, bool Finished = false);

    /// <summary>
    /// Loads a saved checkpoint of the same configuration: the losses of its epochs and whether the run finished, or
    /// null losses when training starts at epoch 1; either way with the reason, for the log.
    /// </summary>
    public (IReadOnlyList<double>? Losses, bool Finished, string Reason) TryRestore(EmbeddingNetwork network, CompositionLoss? composition)
    {
        if (!Directory.Exists(folder))
            return (null, false, $"no checkpoint in {folder} yet");
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
            return (null, false, $"the checkpoint folder {folder} holds no {StateFile} (empty or incomplete); it is replaced at the first save");
        State? state;
        try
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath));
        }
        catch (JsonException e)
        {
            return (null, false, $"{statePath} cannot be read ({e.Message}); it is replaced at the first save");
        }
        if (state?.Losses is null || state.Configuration != configuration)
            return (null, false, $"the checkpoint in {folder} belongs to other options or data; it is replaced at the first save");
        network.load(Path.Combine(folder, NetworkFile));
        if (composition is not null)
            composition.load(Path.Combine(folder, CompositionFile));
        return (state.Losses, state.Finished, state.Finished
            ? $"the checkpoint in {folder} is of this run, finished after {state.Losses.Count} epochs: no epoch trains again"
            : $"resuming from the checkpoint in {folder}, {state.Losses.Count} epochs done");
    }

    /// <summary>Saves into a fresh folder, then swaps it in, so a crash while saving keeps the previous checkpoint.</summary>
    /// <param name="finished">The run is over: these are the weights the export stage reads.</param>
    public void Save(EmbeddingNetwork network, CompositionLoss? composition, IReadOnlyList<double> losses, bool finished = false)
    {
        var staging = folder + ".saving";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        network.save(Path.Combine(staging, NetworkFile));
        composition?.save(Path.Combine(staging, CompositionFile));
        File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(new State(losses.Count, losses, configuration, finished)));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(staging, folder);
    }

    /// <summary>Whether <paramref name="folder"/> holds the finished weights of a run.</summary>
    public static bool IsFinished(string folder)
    {
        var statePath = Path.Combine(folder, StateFile);
        try
        {
            return File.Exists(statePath) && JsonSerializer.Deserialize<State>(File.ReadAllText(statePath)) is { Finished: true };
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
