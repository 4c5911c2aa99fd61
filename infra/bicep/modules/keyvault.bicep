// The one secret the API cannot do without where no token issuer is named: the back office's service key. Key Vault
// holds it; the function app reads it through a Key Vault reference with its identity (docs/access.md).
param location string
param name string
@description('The API identity, which reads the secrets.')
param apiPrincipalId string
@description('Who deploys (azd sets AZURE_PRINCIPAL_ID): reads the key for the smoke test; empty: nobody.')
param deployerPrincipalId string = ''
@secure()
@description('The back office service key; empty: no secret is stored.')
param backOfficeKey string

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
var secretName = 'back-office-key'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // A deleted vault and its secret cannot be purged before the retention ends, by anyone (azd down --purge leaves
    // it soft-deleted: docs/deploy.md, "Teardown").
    enablePurgeProtection: true
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(backOfficeKey)) {
  parent: vault
  name: secretName
  properties: {
    value: backOfficeKey
    contentType: 'FaceFunctions service key (Auth:Keys:backoffice)'
  }
}

resource apiReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, apiPrincipalId, secretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: vault
  name: guid(vault.id, deployerPrincipalId, secretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: deployerPrincipalId
  }
}

output name string = vault.name
@description('The app setting value that resolves to the key (where one is stored).')
output backOfficeReference string = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretName})'
