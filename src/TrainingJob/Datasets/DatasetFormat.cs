namespace FaceFunctions.TrainingJob.Datasets;

public enum DatasetFormat
{
    /// <summary>manifest.csv in the folder, else the naming that most files follow.</summary>
    Auto,
    /// <summary>PERSON.EXPRn.ID.ext, e.g. KM.HA1.4.tiff: facets person and expression.</summary>
    Jaffe,
    /// <summary>subjectNN.condition.ext, e.g. subject01.happy.png: facets subject and condition.</summary>
    Yale,
    /// <summary>A CSV with a path column (path or file) and one column per facet.</summary>
    Manifest,
}
