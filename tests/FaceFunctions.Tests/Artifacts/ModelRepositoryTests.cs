using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using Xunit;

namespace FaceFunctions.Tests.Artifacts;

public sealed class ModelRepositoryTests
{
    private static ModelBundle Bundle(string version)
    {
        float[] vectors = [1, 0, 0, 1, 0.6f, 0.8f];
        IReadOnlyDictionary<string, string>[] labels =
        [
            new Dictionary<string, string> { ["a"] = "x", ["b"] = "p" },
            new Dictionary<string, string> { ["a"] = "y", ["b"] = "p" },
            new Dictionary<string, string> { ["a"] = "y", ["b"] = "q" },
        ];
        return new ModelBundle
        {
            Version = version,
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Model = [1, 2, 3],
            Preprocessing = new Preprocessing { ImageSize = 16 },
            GalleryVectors = vectors,
            Dimensions = 2,
            Gallery = labels.Select((l, i) => new GalleryEntry($"img{i}", l, $"{new string("abc"[i], 64)}.png")).ToList(),
            FacetNames = ["a", "b"],
            Facets = FacetVectors.FromImages(["a", "b"], labels, vectors, 2),
            Report = BinaryData.FromString("{}"),
        };
    }

    [Fact]
    public void Npy_round_trips_and_has_numpys_header()
    {
        var bytes = Npy.Write(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(0, (bytes.Length - 24) % 64);
        Assert.Contains("'shape': (2, 3)", System.Text.Encoding.ASCII.GetString(bytes, 10, 60));
        var (values, rows, columns) = Npy.Read(bytes);
        Assert.Equal((2, 3), (rows, columns));
        Assert.Equal([1f, 2, 3, 4, 5, 6], values);
    }

    [Fact]
    public async Task A_version_from_a_newer_job_with_names_this_build_does_not_know_still_loads()
    {
        using var folder = new TempFolder();
        var repository = new ModelRepository(new FolderArtifactStore(folder.Path));
        var publisher = new ModelPublisher(repository.Store);
        var description = new ModelDescription("vit_b16", "contrastive", "learned", "every-third-image", 4);
        await publisher.PublishAsync(Bundle("v1") with { Description = description });
        Assert.Contains("\"vit_b16\"", await File.ReadAllTextAsync(folder.File("versions/v1/manifest.json")));
        Assert.Equal(description, (await repository.LoadCurrentAsync()).Description);
    }

    [Fact]
    public async Task A_published_version_loads_back_whole_and_becomes_current()
    {
        using var folder = new TempFolder();
        var repository = new ModelRepository(new FolderArtifactStore(folder.Path));
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(Bundle("v1"));
        await publisher.PublishAsync(Bundle("v2"));
        var loaded = await repository.LoadCurrentAsync();
        Assert.Equal("v2", loaded.Version);
        Assert.Equal(3, loaded.Gallery.Count);
        Assert.Equal([1f, 0, 0, 1, 0.6f, 0.8f], loaded.GalleryVectors);
        Assert.True(loaded.Facets.TryGet("a", "y", out var y));
        Assert.Equal(1f, MathF.Sqrt(y.Span[0] * y.Span[0] + y.Span[1] * y.Span[1]), 5);
        Assert.True(File.Exists(folder.File("versions/v1/model.onnx")), "earlier versions are kept");
    }

    [Fact]
    public async Task A_file_that_does_not_match_its_checksum_is_refused()
    {
        using var folder = new TempFolder();
        var store = new FolderArtifactStore(folder.Path);
        var repository = new ModelRepository(store);
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(Bundle("v1"));
        await store.WriteAsync("versions/v1/model.onnx", BinaryData.FromBytes(new byte[] { 9, 9 }));
        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => repository.LoadCurrentAsync());
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public async Task A_version_without_its_pointer_is_not_current()
    {
        using var folder = new TempFolder();
        var repository = new ModelRepository(new FolderArtifactStore(folder.Path));
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(Bundle("v1"));
        // A run that died before writing current.json leaves its files but not the pointer.
        await publisher.WriteVersionAsync(Bundle("v2"), ModelRepository.PrefixOf("v2"));
        Assert.Equal("v1", (await repository.LoadCurrentAsync()).Version);
    }

    [Fact]
    public async Task Activating_an_earlier_version_rolls_back_and_a_broken_one_is_refused()
    {
        using var folder = new TempFolder();
        var store = new FolderArtifactStore(folder.Path);
        var repository = new ModelRepository(store);
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(Bundle("v1"));
        await publisher.PublishAsync(Bundle("v2"));
        await publisher.ActivateAsync("v1");
        Assert.Equal("v1", (await repository.LoadCurrentAsync()).Version);

        await store.WriteAsync("versions/v2/gallery.npy", BinaryData.FromBytes(new byte[] { 1 }));
        await Assert.ThrowsAsync<ModelIntegrityException>(() => publisher.ActivateAsync("v2"));
        await Assert.ThrowsAsync<ModelIntegrityException>(() => publisher.ActivateAsync("v9"));
        Assert.Equal("v1", (await repository.LoadCurrentAsync()).Version);
    }

    [Fact]
    public async Task An_empty_store_has_no_model()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => new ModelRepository(new FolderArtifactStore(folder.Path)).LoadCurrentAsync());
        Assert.Contains("No model", error.Message);
    }

    [Theory]
    [InlineData("""{"version": "v1", "manifest": "images/manifest.json", "manifestSha256": "SHA"}""", "names the manifest")]
    [InlineData("""{"version": "../images", "manifest": "versions/../images/manifest.json", "manifestSha256": "SHA"}""", "not a valid version id")]
    [InlineData("""{"version": "v1/..", "manifest": "versions/v1/../manifest.json", "manifestSha256": "SHA"}""", "not a valid version id")]
    [InlineData("""{"manifest": "versions/v1/manifest.json"}""", "not a valid version id")]
    public async Task A_pointer_that_names_anything_but_its_versions_manifest_is_refused(string pointer, string says)
    {
        using var folder = new TempFolder();
        var store = new FolderArtifactStore(folder.Path);
        var repository = new ModelRepository(store);
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(Bundle("v1"));
        // A manifest planted elsewhere in the store, which the pointer's checksum matches.
        var planted = await store.ReadAsync("versions/v1/manifest.json");
        await store.WriteAsync("images/manifest.json", planted);
        await store.WriteAsync(ArtifactNames.Current, BinaryData.FromString(pointer.Replace("SHA", ModelRepository.Sha256(planted))));
        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => repository.LoadCurrentAsync());
        Assert.Contains(says, error.Message);
    }

    [Fact]
    public async Task A_manifest_that_lists_a_file_outside_the_model_files_is_refused()
    {
        using var folder = new TempFolder();
        var store = new FolderArtifactStore(folder.Path);
        var repository = new ModelRepository(store);
        var publisher = new ModelPublisher(repository.Store);
        var manifest = await publisher.WriteVersionAsync(Bundle("v1"), ModelRepository.PrefixOf("v1"));
        var hostile = manifest with { Artifacts = new Dictionary<string, ArtifactInfo>(manifest.Artifacts) { ["../../current.json"] = new("0", 1) } };
        await store.WriteAsync("versions/v1/manifest.json", ModelJson.Serialize(hostile));
        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => publisher.ActivateAsync("v1"));
        Assert.Contains("not a model file", error.Message);
    }

    public static TheoryData<string, Func<ModelBundle, ModelBundle>> Misfits => new()
    {
        { "not finite", b => b with { GalleryVectors = [float.NaN, 0, 0, 1, 0.6f, 0.8f] } },
        { "not a gallery image name", b => b with { Gallery = [b.Gallery[0] with { Image = "../models/current.json" }, .. b.Gallery.Skip(1)] } },
        { "two gallery entries have the id", b => b with { Gallery = [b.Gallery[0], b.Gallery[0] with { Image = b.Gallery[1].Image }, b.Gallery[2]] } },
        { "not a valid gallery id", b => b with { Gallery = [b.Gallery[0] with { Id = "a/b" }, .. b.Gallery.Skip(1)] } },
        { "standard deviations", b => b with { Preprocessing = b.Preprocessing with { Std = [0, 1, 1] } } },
        { "px images", b => b with { Preprocessing = b.Preprocessing with { ImageSize = 100_000 } } },
        { "resize is not one of CenterCrop", b => b with { Preprocessing = b.Preprocessing with { Resize = (ImageFit)7 } } },
    };

    [Theory]
    [MemberData(nameof(Misfits))]
    public async Task A_version_whose_parts_do_not_fit_is_refused_though_every_checksum_matches(string says, Func<ModelBundle, ModelBundle> damage)
    {
        using var folder = new TempFolder();
        var repository = new ModelRepository(new FolderArtifactStore(folder.Path));
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(Bundle("v1"));
        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => publisher.PublishAsync(damage(Bundle("v2"))));
        Assert.Contains(says, error.Message);
        Assert.Equal("v1", (await repository.LoadCurrentAsync()).Version);
    }
}
