namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Azure's built-in roles that the templates assign, name and id side by side, copied from Microsoft's page "Azure
/// built-in roles" (learn.microsoft.com/azure/role-based-access-control/built-in-roles; its source
/// MicrosoftDocs/azure-docs, articles/role-based-access-control/built-in-roles.md, ms.date 04/09/2026: the tables
/// "Storage", "Containers", and the role definitions of built-in-roles/security.md and built-in-roles/monitor.md).
/// A role id in a template that is not here is not a role Azure knows: the assignment fails with
/// RoleDefinitionDoesNotExist and whatever depends on it is never made.
/// </summary>
public static class BuiltInRoles
{
    public static readonly IReadOnlyDictionary<string, string> IdByName = new Dictionary<string, string>
    {
        ["Storage Blob Data Contributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Blob Data Reader"] = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Queue Data Message Processor"] = "8a0f0c08-91a1-4084-bc3d-661d67233fed",
        ["Storage Queue Data Message Sender"] = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
        ["Storage Queue Data Reader"] = "19e7f393-937e-4f77-808e-94535e297925",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["AcrPull"] = "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    public static string Id(string name) => IdByName[name];
}
