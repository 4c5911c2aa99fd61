using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.Options;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Training;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>
/// The `evaluate` command: a saved model (its ONNX file and preprocessing) against a dataset, through the protocols
/// that need no retraining. Its manifest says which images trained it (the first of each cell, or all) and which
/// facet vectors it publishes (its own learned ones, or medians of the images).
/// </summary>
public static class SavedModelEvaluation
{
    public static async Task<EvaluationResult> RunAsync(string modelFolder, LabelledDataset dataset, int seed, ILogger log,
        CancellationToken cancellationToken)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(modelFolder)).LoadCurrentAsync(cancellationToken);
        var description = bundle.Description;
        if (description is null)
            log.LogInformation("Model {Version} predates the description in manifest.json: taken as trained on the first image " +
                          "of each cell, evaluated with medians of the images.", bundle.Version);
        var trainedOn = description is null ? TrainingImages.FirstOfEachCell : Choices.Parse<TrainingImages>(description.TrainedOn, "training set in the manifest");
        var facetVectors = description is null ? FacetVectorKind.Median : Choices.Parse<FacetVectorKind>(description.FacetVectors, "facet vectors in the manifest");
        var trained = dataset.ImagesThatTrain(trainedOn).Select(i => i.Id).ToHashSet();
        var set = ModelEvaluator.Embed(dataset, bundle.Model, bundle.Preprocessing, new ImageDecoder(), trained)
            with { Learned = facetVectors == FacetVectorKind.Learned ? bundle.Facets : null };
        // The gallery's content-addressed image names mark pixel-identical images, where the dataset is the gallery's.
        var imageOf = bundle.Gallery.ToDictionary(e => e.Id, e => e.Image);
        if (dataset.Images.All(i => imageOf.ContainsKey(i.Id)))
            set = set with { Content = dataset.Images.Select(i => imageOf[i.Id]).ToList() };
        return EvaluationResult.Of(set, seed);
    }

    public static string ToJson(EvaluationResult result) => JsonSerializer.Serialize(result, TrainingReport.Json);
}
