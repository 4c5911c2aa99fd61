namespace FaceFunctions.GalleryChanges;

/// <summary>
/// The gallery's changes folded: the live additions in the order they came, and the ids of trained images erased.
/// Not thread-safe: one owner applies changes and hands out <see cref="Freeze"/>d copies.
/// </summary>
public sealed class GalleryState
{
    private readonly SortedDictionary<long, AddedImage> _additions = [];
    private readonly Dictionary<string, long> _sequenceOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _erasedTrainingIds = new(StringComparer.Ordinal);

    /// <summary>The last change applied.</summary>
    public long Position { get; private set; }

    /// <summary>The last change folded into a stored snapshot; changes after it are still single blobs.</summary>
    public long SnapshotThrough { get; private set; }

    public void Restart(GallerySnapshot snapshot)
    {
        _additions.Clear();
        _sequenceOf.Clear();
        _erasedTrainingIds.Clear();
        foreach (var change in snapshot.Additions)
            Apply(change);
        _erasedTrainingIds.UnionWith(snapshot.ErasedTrainingIds);
        Position = SnapshotThrough = snapshot.Through;
    }

    public void Apply(GalleryChange change)
    {
        if (change.Added is { } added && !_sequenceOf.ContainsKey(added.Id))
        {
            _additions[change.Sequence] = added;
            _sequenceOf[added.Id] = change.Sequence;
        }
        else if (change.Erased is { } id)
        {
            if (_sequenceOf.Remove(id, out var sequence))
                _additions.Remove(sequence);
            else
                _erasedTrainingIds.Add(id);
        }
        Position = Math.Max(Position, change.Sequence);
    }

    /// <summary>Records that a snapshot through <paramref name="through"/> has been stored.</summary>
    public void Compacted(long through) => SnapshotThrough = Math.Max(SnapshotThrough, through);

    /// <summary>The change that added a live image.</summary>
    public bool TryGetAddition(string id, out GalleryChange change)
    {
        var found = _sequenceOf.TryGetValue(id, out var sequence);
        change = found ? new GalleryChange(sequence, _additions[sequence]) : new GalleryChange(0);
        return found;
    }

    public GalleryContents Freeze() => new(Position,
        _additions.Select(a => new GalleryChange(a.Key, a.Value)).ToList(), _erasedTrainingIds.ToHashSet(StringComparer.Ordinal));

    public GallerySnapshot Snapshot()
    {
        var contents = Freeze();
        return new GallerySnapshot(contents.Position, contents.Additions, contents.ErasedTrainingIds.Order(StringComparer.Ordinal).ToList());
    }
}

/// <summary>A copy of the state at <see cref="Position"/>, for readers: additions in order, with their sequence numbers.</summary>
public sealed record GalleryContents(long Position, IReadOnlyList<GalleryChange> Additions, IReadOnlySet<string> ErasedTrainingIds)
{
    public static readonly GalleryContents Empty = new(0, [], new HashSet<string>());
}
