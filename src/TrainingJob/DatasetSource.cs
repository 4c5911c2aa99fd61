using Azure.Storage.Blobs;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Datasets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.TrainingJob;

/// <summary>
/// Where `train` and `evaluate` take their dataset from: a folder, "blob:CONTAINER/FOLDER", or the drawn faces; or
/// several of them joined into one (<see cref="LabelledDataset.Join"/>).
/// </summary>
public static class DatasetSource
{
    public const string Synthetic = "synthetic";

    /// <param name="storage">The command's storage services (<see cref="StorageServices"/>), for a blob: dataset; null where none is named.</param>
    public static async Task<LabelledDataset> ReadAsync(IReadOnlyList<string> data, DatasetFormat format, SyntheticFacesOptions synthetic,
        IServiceProvider? storage, ILogger log, CancellationToken cancellationToken)
    {
        if (data.Count == 0)
            throw new ArgumentException("Name a dataset with --data.");
        var parts = new List<DatasetPart>();
        foreach (var source in data)
            parts.Add(await ReadPartAsync(source, format, synthetic, storage, log, cancellationToken));
        return LabelledDataset.Join(parts);
    }

    private static async Task<DatasetPart> ReadPartAsync(string data, DatasetFormat format, SyntheticFacesOptions synthetic,
        IServiceProvider? storage, ILogger log, CancellationToken cancellationToken)
    {
        if (string.Equals(data, Synthetic, StringComparison.OrdinalIgnoreCase))
            return DrawSynthetic(synthetic, log);
        if (!BlobDatasets.IsBlobReference(data))
            return DatasetReader.ReadPart(data, format);
        if (storage is null)
            throw new ArgumentException($"'{data}' is in Blob Storage: name the account with --storage-connection-string or --storage-service-uri.");
        var folder = TemporaryFolder("dataset", data.TrimEnd('/').Split('/', ':').Last());
        var (_, files) = await BlobDatasets.DownloadAsync(data, storage.GetRequiredService<BlobServiceClient>(), folder, cancellationToken);
        log.LogInformation("Copied {Files} files of {Data} into {Folder}.", files, data, folder);
        return DatasetReader.ReadPart(folder, format);
    }

    /// <summary>Draws the embedded default into a fresh temporary folder and reads it back through the JAFFE reader.</summary>
    private static DatasetPart DrawSynthetic(SyntheticFacesOptions options, ILogger log)
    {
        var folder = TemporaryFolder("synthetic", Synthetic);
        var paths = SyntheticFaces.Write(folder, options);
        log.LogInformation("Drew {Count} synthetic faces into {Folder}.", paths.Count, folder);
        return DatasetReader.ReadPart(folder, DatasetFormat.Jaffe);
    }

    /// <summary>A fresh folder whose own name is the source's: a folder's name names its source (<see cref="DatasetPart.Name"/>).</summary>
    private static string TemporaryFolder(string kind, string name) =>
        Path.Combine(Path.GetTempPath(), $"facefunctions-{kind}-{Guid.NewGuid():N}", name is "" or "." or ".." ? kind : name);
}
