using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Access;

/// <summary>
/// Limits per caller on this instance (OWASP API4): requests per window, and uploads in progress at once. A caller
/// over either is answered 429 at once, before any body is read, so that it costs the others almost nothing. The
/// counts are this instance's: n instances admit up to n times as much (docs/access.md: API Management for a global limit).
/// </summary>
public sealed class CallerLimits : IDisposable
{
    /// <summary>What a caller over the concurrency limit is asked to wait: an upload takes well under a second.</summary>
    public static readonly TimeSpan UploadRetryAfter = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<string> _requests;
    private readonly PartitionedRateLimiter<string> _uploads;

    public CallerLimits(IOptions<AccessOptions> options)
    {
        var limits = options.Value;
        _requests = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetFixedWindowLimiter(caller,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RequestsPerWindow, Window = limits.Window, QueueLimit = 0 }));
        _uploads = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetConcurrencyLimiter(caller,
            _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentUploads, QueueLimit = 0 }));
    }

    /// <summary>Counts one request of the caller: null when admitted, else how long it should wait.</summary>
    public TimeSpan? Request(Caller caller)
    {
        using var lease = _requests.AttemptAcquire(caller.Id);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
    }

    /// <summary>One of the caller's upload slots, held until the lease is disposed; null when all are taken.</summary>
    public RateLimitLease? Upload(Caller caller)
    {
        var lease = _uploads.AttemptAcquire(caller.Id);
        if (lease.IsAcquired)
            return lease;
        lease.Dispose();
        return null;
    }

    public void Dispose()
    {
        _requests.Dispose();
        _uploads.Dispose();
    }
}
