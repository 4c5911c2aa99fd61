// FaceFunctions: the storage that the training job publishes to and the function app reads from.
// A first cut: the function app, the training job and their identities follow (docs/deploy.md once written).
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short name prefix, lower-case letters and digits.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'facefn'

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: '${namePrefix}${uniqueString(resourceGroup().id)}'
  }
}

output storageAccountName string = storage.outputs.accountName
output blobEndpoint string = storage.outputs.blobEndpoint
output modelsContainer string = storage.outputs.modelsContainer
output imagesContainer string = storage.outputs.imagesContainer
