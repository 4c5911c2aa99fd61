using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// Watches the validation loss; keeps a copy of the best epoch's weights of every module that trains (the network and
/// the composition objective's facet vectors, which are published beside it) and says when to stop.
/// </summary>
public sealed class EarlyStopping(int patience, IReadOnlyList<nn.Module> modules)
{
    private List<Dictionary<string, Tensor>>? _best;
    private double _bestLoss = double.PositiveInfinity;

    /// <summary>The epoch whose weights <see cref="RestoreBest"/> puts back; 0 before the first observation.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Records an epoch's validation loss; true when <c>patience</c> epochs passed without a better one.</summary>
    public bool Observe(int epoch, double loss)
    {
        if (loss < _bestLoss)
        {
            (_bestLoss, BestEpoch) = (loss, epoch);
            foreach (var tensor in _best?.SelectMany(s => s.Values) ?? []) tensor.Dispose();
            _best = modules.Select(m => m.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone())).ToList();
        }
        return epoch - BestEpoch >= patience;
    }

    public void RestoreBest()
    {
        if (_best is null) return;
        foreach (var (module, state) in modules.Zip(_best))
            module.load_state_dict(state);
    }
}
