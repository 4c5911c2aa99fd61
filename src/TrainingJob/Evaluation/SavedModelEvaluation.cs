using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Datasets;
using FaceFunctions.Imaging;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Training;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>
/// The `evaluate` command: a saved model (its ONNX file and preprocessing) against a dataset, through the protocols
/// that need no retraining. The images that trained it are taken to be the first of each cell, or all of them when
/// the model's report says so. The facet vectors are the model's own where its report says they were learned, else
/// medians of the images.
/// </summary>
public static class SavedModelEvaluation
{
    public static async Task<EvaluationResult> RunAsync(string modelFolder, LabelledDataset dataset, int seed, CancellationToken cancellationToken)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(modelFolder)).LoadCurrentAsync(cancellationToken);
        var allImages = false;
        var learned = false;
        if (bundle.Report is not null)
        {
            using var report = JsonDocument.Parse(bundle.Report.ToMemory());
            allImages = report.RootElement.TryGetProperty("training", out var training)
                        && training.TryGetProperty("options", out var options)
                        && options.TryGetProperty("all_images", out var all) && all.GetBoolean();
            learned = report.RootElement.TryGetProperty("facet_vectors", out var kind) && kind.GetString() == Options.Choices.NameOf(FacetVectorKind.Learned);
        }
        var trained = (allImages ? dataset.Images : dataset.FirstOfEachCell()).Select(i => i.Id).ToHashSet();
        var set = ModelEvaluator.Embed(dataset, bundle.Model, bundle.Preprocessing, new ImageDecoder(), trained)
            with { Learned = learned ? bundle.Facets : null };
        // The gallery's content-addressed image names mark pixel-identical images, where the dataset is the gallery's.
        var imageOf = bundle.Gallery.ToDictionary(e => e.Id, e => e.Image);
        if (dataset.Images.All(i => imageOf.ContainsKey(i.Id)))
            set = set with { Content = dataset.Images.Select(i => imageOf[i.Id]).ToList() };
        return EvaluationResult.Of(set, seed);
    }

    public static string ToJson(EvaluationResult result) => JsonSerializer.Serialize(result, TrainingReport.Json);
}
