using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Faces;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob;
using FaceFunctions.TrainingJob.Training;
using Microsoft.AspNetCore.Builder;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>
/// A real (tiny) training run with <c>--face detect</c> on the Yale faces, and the local host serving its folder on a
/// real socket: the model's preprocessing.json asks for the face step, and serving does it. It trains, so it runs in
/// the service collection, alone.
/// </summary>
public sealed class FaceServingFixture : IAsyncLifetime
{
    private readonly TempFolder _output = new();
    private WebApplication? _host;

    public HttpClient Client { get; private set; } = null!;
    public TrainingReport Report { get; private set; } = null!;
    public string ModelFolder => _output.Path;

    public async Task InitializeAsync()
    {
        // Where the faces are absent every test here is reported skipped (YaleFact), and there is nothing to train.
        if (!YaleFaces.Present) return;
        Report = await TrainingPipeline.RunAsync(new TrainJobOptions
        {
            Data = [YaleFaces.Folder],
            Output = _output.Path,
            Training = new TrainingOptions { Face = FaceStep.Detect, Epochs = 3, ImageSize = 64, LearningRate = 1e-3, Seed = 3 },
        }, new LogCapture(), CancellationToken.None);
        (_host, Client) = await LocalApi.StartOnFolderAsync(_output.Path);
        await ServiceFixture.WaitForModelAsync(Client);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_host is not null)
            await _host.DisposeAsync();
        _output.Dispose();
    }
}

[Collection(ServiceCollection.Name)]
public sealed class FaceServingTests(FaceServingFixture fixture) : IClassFixture<FaceServingFixture>
{
    private FaceServingFixture Fixture => fixture;

    [YaleFact]
    public async Task The_models_preprocessing_records_the_face_step_and_training_screened_the_dataset()
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(Fixture.ModelFolder)).LoadCurrentAsync();
        Assert.NotNull(bundle.Preprocessing.Face);
        Assert.Equal(FaceFunctions.Faces.BlazeFaceDetector.Sha256, bundle.Preprocessing.Face!.DetectorSha256);
        Assert.DoesNotContain(Fixture.Report.Dataset.Problems, p => p.Reason == FaceScreening.NoFace && p.File.StartsWith("subject01."));
    }

    [YaleFact]
    public async Task A_phone_like_photo_is_searched_on_its_face_and_the_answer_gives_the_box()
    {
        using var face = PhoneLikePhotos.YaleFace("subject02.happy");
        using var photo = PhoneLikePhotos.Paste(face, 320, new Point(600, 380), degrees: 10);
        using var response = await PostAsync(photo, "");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var found = answer.GetProperty("face");
        Assert.Equal(1, found.GetProperty("found").GetInt32());
        var box = found.GetProperty("box");
        Assert.InRange(box.GetProperty("x").GetSingle() + box.GetProperty("width").GetSingle() / 2, 600 + 160 - 60, 600 + 160 + 60);
        Assert.Equal("subject02", answer.GetProperty("results")[0].GetProperty("labels").GetProperty("subject").GetString());
    }

    [YaleFact]
    public async Task A_photo_without_a_face_is_422_unless_the_whole_image_is_asked_for()
    {
        using var empty = PhoneLikePhotos.Paste(new Image<Rgb24>(10, 10, new Rgb24(60, 90, 120)), 10, new Point(0, 0));
        using (var refused = await PostAsync(empty, ""))
            await EndToEndTests.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "No face");
        using var whole = await PostAsync(empty, "?wholeImage=true");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var answer = await whole.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, answer.GetProperty("face").GetProperty("found").GetInt32());
    }

    [YaleFact]
    public async Task An_exif_rotated_photo_finds_what_its_upright_twin_finds()
    {
        using var face = PhoneLikePhotos.YaleFace("subject05.surprised");
        using var upright = PhoneLikePhotos.Paste(face, 300, new Point(200, 300));
        using var stored = upright.Clone(x => x.Rotate(RotateMode.Rotate90));
        stored.Metadata.ExifProfile = new ExifProfile();
        stored.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)8); // "turn 90 degrees anticlockwise to show"
        async Task<JsonElement> AnswerAsync(Image<Rgb24> photo)
        {
            using var response = await PostAsync(photo, "");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var twin = await AnswerAsync(upright);
        var rotated = await AnswerAsync(stored);
        Assert.Equal(twin.GetProperty("results")[0].GetProperty("id").GetString(), rotated.GetProperty("results")[0].GetProperty("id").GetString());
        Assert.InRange(rotated.GetProperty("face").GetProperty("box").GetProperty("x").GetSingle()
                       - twin.GetProperty("face").GetProperty("box").GetProperty("x").GetSingle(), -12, 12);
    }

    private async Task<HttpResponseMessage> PostAsync(Image<Rgb24> photo, string query)
    {
        using var buffer = new MemoryStream();
        await photo.SaveAsJpegAsync(buffer);
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return await Fixture.Client.PostAsync("/api/search" + query, content);
    }
}
