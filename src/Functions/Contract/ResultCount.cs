using FaceFunctions.Functions.Serving;

namespace FaceFunctions.Functions.Contract;

/// <summary>The rule for k, wherever it comes from (a compose body, search's query string): a whole number from 1 to Serving:MaxK.</summary>
public static class ResultCount
{
    public static string Rule(int maxK, string got) => $"k must be a whole number from 1 to {maxK}; got {got}.";

    /// <summary>k as given, or Serving:DefaultK when absent.</summary>
    public static bool TryCheck(int? given, ServingOptions options, out int k, out string? error)
    {
        k = given ?? options.DefaultK;
        error = k >= 1 && k <= options.MaxK ? null : Rule(options.MaxK, k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return error is null;
    }

    /// <summary>k from a query string; empty is the default.</summary>
    public static bool TryParse(string? text, ServingOptions options, out int k, out string? error)
    {
        if (string.IsNullOrEmpty(text))
            return TryCheck(null, options, out k, out error);
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out k))
            return TryCheck(k, options, out k, out error);
        error = Rule(options.MaxK, $"'{text}'");
        return false;
    }
}
