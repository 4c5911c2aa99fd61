using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FaceFunctions.Tests.Storage;

public sealed class BlobDatasetsTests
{
    [Fact]
    public async Task A_dataset_uploaded_to_a_container_reads_like_a_folder()
    {
        await using var azurite = await Azurite.StartAsync();
        using var source = new TempFolder();
        using var target = new TempFolder();
        SyntheticFaces.Write(source.Path, new SyntheticFacesOptions { Persons = 2, VariantsPerCell = 1, Size = 32 });
        await using var services = StorageServices.Provider(new StorageOptions { ConnectionString = azurite.ConnectionString });
        var service = services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>();
        var container = service.GetBlobContainerClient("datasets");
        await container.CreateAsync();
        foreach (var file in Directory.GetFiles(source.Path))
            await container.UploadBlobAsync($"faces/{Path.GetFileName(file)}", BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        await container.UploadBlobAsync("other/KM.HA1.1.tiff", BinaryData.FromString("not in the folder asked for"));

        var (folder, files) = await BlobDatasets.DownloadAsync("blob:datasets/faces", service, target.Path, CancellationToken.None);
        Assert.Equal(14, files);
        var dataset = DatasetReader.Read(folder);
        Assert.Equal(14, dataset.Images.Count);
        Assert.Empty(dataset.Problems);

        await Assert.ThrowsAsync<ArgumentException>(() => BlobDatasets.DownloadAsync("blob:datasets/none", service, target.Path, CancellationToken.None));
        Assert.True(BlobDatasets.IsBlobReference("blob:datasets/faces"));
        Assert.False(BlobDatasets.IsBlobReference("/data/faces"));
    }
}
