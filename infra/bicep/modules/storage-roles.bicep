// Data-plane roles on single containers: the function app writes the gallery's change log (models, under gallery/)
// and added images, and takes uploads from incoming (setting failures aside in incoming-failed); the training job
// writes models and gallery images and reads datasets. No identity gets the account's keys or account-wide rights.
param accountName string
param apiPrincipalId string
param trainingPrincipalId string

var blobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: accountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource models 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'models'
}

resource images 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'images'
}

resource datasets 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'datasets'
}

resource incoming 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'incoming'
}

resource incomingFailed 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'incoming-failed'
}

resource apiWritesModels 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(models.id, apiPrincipalId, blobDataContributor)
  scope: models
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource apiWritesImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(images.id, apiPrincipalId, blobDataContributor)
  scope: images
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource apiTakesIncoming 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(incoming.id, apiPrincipalId, blobDataContributor)
  scope: incoming
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource apiSetsAside 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(incomingFailed.id, apiPrincipalId, blobDataContributor)
  scope: incomingFailed
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource trainingWritesModels 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(models.id, trainingPrincipalId, blobDataContributor)
  scope: models
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: trainingPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource trainingWritesImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(images.id, trainingPrincipalId, blobDataContributor)
  scope: images
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    principalId: trainingPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource trainingReadsDatasets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(datasets.id, trainingPrincipalId, blobDataReader)
  scope: datasets
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataReader)
    principalId: trainingPrincipalId
    principalType: 'ServicePrincipal'
  }
}
