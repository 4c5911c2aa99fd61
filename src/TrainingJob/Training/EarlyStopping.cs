using FaceFunctions.TrainingJob.Model;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>Watches the validation loss; keeps a copy of the best epoch's weights and says when to stop.</summary>
public sealed class EarlyStopping(int patience)
{
    private Dictionary<string, Tensor>? _best;
    private double _bestLoss = double.PositiveInfinity;
    private int _bestEpoch;

    /// <summary>Records an epoch's validation loss; true when <c>patience</c> epochs passed without a better one.</summary>
    public bool Observe(int epoch, double loss, EmbeddingNetwork network)
    {
        if (loss < _bestLoss)
        {
            (_bestLoss, _bestEpoch) = (loss, epoch);
            foreach (var tensor in _best?.Values.AsEnumerable() ?? []) tensor.Dispose();
            _best = network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        }
        return epoch - _bestEpoch >= patience;
    }

    public void RestoreBest(EmbeddingNetwork network)
    {
        if (_best is not null)
            network.load_state_dict(_best);
    }
}
