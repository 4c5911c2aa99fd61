// One user-assigned identity per workload: the function app reads, the training job writes.
param location string
param namePrefix string

resource api 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-api-identity'
  location: location
}

resource training 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-training-identity'
  location: location
}

output apiId string = api.id
output apiPrincipalId string = api.properties.principalId
output apiClientId string = api.properties.clientId
output trainingId string = training.id
output trainingPrincipalId string = training.properties.principalId
output trainingClientId string = training.properties.clientId
output apiName string = api.name
output trainingName string = training.name
