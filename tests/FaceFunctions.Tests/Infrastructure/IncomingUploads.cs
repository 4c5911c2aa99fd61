using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using FaceFunctions.Functions.Ingestion;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>What an app and Event Grid do for triggered ingestion, with Azurite: a blob written to incoming, and its BlobCreated event queued.</summary>
public static class IncomingUploads
{
    /// <summary>The queue the ingestion function reads, created if missing (messages Base64, as Event Grid writes them).</summary>
    public static async Task<QueueClient> QueueAsync(string connectionString)
    {
        var queue = new QueueClient(connectionString, GalleryIngestFunction.Queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    /// <summary>Writes a blob to incoming with its metadata and queues the event Event Grid sends for it (Event Grid schema).</summary>
    public static async Task UploadAsync(string connectionString, QueueClient queue, string name, byte[] content, Dictionary<string, string> metadata, int events = 1)
    {
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(IncomingImages.Container);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(new BinaryData(content), new BlobUploadOptions { Metadata = metadata });
        var created = JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), eventType = "Microsoft.Storage.BlobCreated", eventTime = DateTimeOffset.UtcNow, dataVersion = "", metadataVersion = "1",
            topic = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
            subject = $"/blobServices/default/containers/{IncomingImages.Container}/blobs/{name}",
            data = new { api = "PutBlob", contentType = "image/png", contentLength = content.Length, blobType = "BlockBlob", url = container.GetBlobClient(name).Uri },
        });
        for (var i = 0; i < events; i++)
            await queue.SendMessageAsync(created);
    }
}
