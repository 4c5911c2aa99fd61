// The HTTP API: a Flex Consumption function app (.NET isolated) running as its own user-assigned identity. Its host
// storage (keys, locks, the deployment package) is a separate account reached through identity-based connections;
// the data it serves is read with Storage Blob Data Reader on the models and images containers (storage-roles.bicep).
param location string
param namePrefix string

@description('The app\'s name: global in azurewebsites.net, so it carries the resource group\'s suffix.')
@maxLength(60)
param name string

@minLength(3)
@maxLength(24)
param hostStorageName string
param identityId string
param identityClientId string
param identityPrincipalId string
param dataBlobEndpoint string
// The data account's queue endpoint: the gallery's ingestion trigger reads its queue there (modules/ingestion.bicep).
param dataQueueEndpoint string
param insightsName string
// The Log Analytics workspace that keeps the function app's own logs (diagnostic settings).
param workspaceId string

@description('A subnet to join (the pgvector backend\'s private network); empty: none.')
param subnetId string = ''

@description('The pgvector backend\'s connection (host, database, this identity\'s name; no password: Entra tokens); empty: the in-process backend.')
param postgresConnection string = ''

@description('Instances the app may scale out to.')
param maximumInstanceCount int = 40

@description('Memory per instance in MB (Flex Consumption: 512, 2048 or 4096).')
param instanceMemoryMB int = 2048

@description('HTTP instances kept warm (Flex Consumption always ready, billed while idle): 0 lets the app scale to zero, and its first request after a pause waits for a cold start.')
@minValue(0)
param alwaysReadyInstances int = 0

@description('The OpenID Connect authority whose tokens the API accepts; empty: none.')
param authAuthority string = ''
param authAudience string = ''
param authTenantClaim string = 'tid'
@description('A Key Vault reference to the back office service key; empty: none.')
param backOfficeKeyReference string = ''


var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var queueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var metricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var deploymentContainer = 'deployments'

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: hostStorageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: hostStorage
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: hostBlobs
  name: deploymentContainer
  properties: {
    publicAccess: 'None'
  }
}

// The Functions host keeps its state in blobs, queues and tables of its own account.
resource hostRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [blobDataOwner, queueDataContributor, tableDataContributor]: {
  name: guid(hostStorage.id, identityPrincipalId, role)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identityPrincipalId, metricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  tags: {
    'azd-service-name': 'api'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyInstances > 0 ? [
          {
            name: 'http'
            instanceCount: alwaysReadyInstances
          }
        ] : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Who may call: checked in the worker, alike under every host (docs/access.md). An issuer without an
        // authority and a key without a secret are left out; the key's secret only as a Key Vault reference.
        { name: 'Auth__Issuers__0__Authority', value: authAuthority }
        { name: 'Auth__Issuers__0__Audiences__0', value: authAudience }
        { name: 'Auth__TenantClaim', value: authTenantClaim }
        { name: 'Auth__Keys__backoffice__Secret', value: backOfficeKeyReference }
        { name: 'Auth__Keys__backoffice__Permissions', value: 'Read, Write' }
        { name: 'AzureWebJobsStorage__accountName', value: hostStorage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'Storage__ServiceUri', value: dataBlobEndpoint }
        { name: 'GalleryQueue__queueServiceUri', value: dataQueueEndpoint }
        { name: 'GalleryQueue__credential', value: 'managedidentity' }
        { name: 'GalleryQueue__clientId', value: identityClientId }
        { name: 'Storage__ManagedIdentityClientId', value: identityClientId }
        { name: 'Storage__ModelsContainer', value: 'models' }
        { name: 'Storage__ImagesContainer', value: 'images' }
        // An instance answers many requests at once: one ONNX Runtime thread per inference serves more of them than
        // every core per inference does (docs/performance.md).
        { name: 'Serving__InferenceThreads', value: '1' }
        // The pgvector backend where a connection is given; the Postgres settings are read only then.
        { name: 'Serving__Gallery', value: empty(postgresConnection) ? 'inprocess' : 'pgvector' }
        { name: 'Postgres__ConnectionString', value: postgresConnection }
        { name: 'Postgres__Authentication', value: 'ManagedIdentity' }
        { name: 'Postgres__ManagedIdentityClientId', value: identityClientId }
      ]
    }
  }
  dependsOn: [
    hostRoles
  ]
}

// Deployments sign in with Entra (azd, the workflow's federated credential): publishing with user names and
// passwords is off for the SCM site and FTP alike.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: app
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
