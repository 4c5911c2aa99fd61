using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.LocalHost;

/// <summary>
/// Function keys for the local host (section "Keys"), so that key handling can be tried without Azure: with any key
/// set, a route of level Function admits its own key (Keys:Functions:NAME), the host key (Keys:Host) or the master key
/// (Keys:Master), and an Admin route the master key only, as the Functions host does. The x-functions-key header is
/// read first, ?code= only without it. With no key set every route is open.
/// </summary>
public sealed class FunctionKeyOptions
{
    public const string Section = "Keys";
    public const string Header = "x-functions-key";
    public const string Query = "code";

    public string? Master { get; set; }
    public string? Host { get; set; }
    public Dictionary<string, string> Functions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    private bool Enabled => !string.IsNullOrEmpty(Master) || !string.IsNullOrEmpty(Host) || Functions.Count > 0;

    public bool Admits(FunctionEndpoints.FunctionRoute function, HttpRequest request)
    {
        if (!Enabled || function.Level == AuthorizationLevel.Anonymous)
            return true;
        var presented = request.Headers.TryGetValue(Header, out var header) ? header.ToString() : request.Query[Query].ToString();
        if (string.IsNullOrEmpty(presented))
            return false;
        if (Same(presented, Master))
            return true;
        return function.Level != AuthorizationLevel.Admin
               && (Same(presented, Host) || (Functions.TryGetValue(function.Name, out var own) && Same(presented, own)));
    }

    private static bool Same(string presented, string? key) =>
        !string.IsNullOrEmpty(key) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
}
