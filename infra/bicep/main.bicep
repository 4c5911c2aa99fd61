// FaceFunctions in one resource group: data storage, the HTTP API (Flex Consumption functions), the GPU training
// job (Container Apps), monitoring, and the identities and roles that connect them. Nothing uses account keys.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short name prefix, lower-case letters and digits.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'facefn'

@description('Serverless GPU profile of the training job.')
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Empty for a manual trigger only, or a cron expression (UTC) for scheduled training.')
param trainingSchedule string = ''

@description('Folder of the dataset in the datasets container.')
param datasetPrefix string = 'faces'

@description('What the job trains on instead of the dataset folder: "synthetic" (the drawn faces) or another --data value; empty: the folder. The pipeline sets "synthetic" until a dataset is named.')
param trainingData string = ''

@description('The training image; azd deploy sets it.')
param trainingImage string = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'

@description('Where galleries are searched: inprocess (each function instance holds its gallery) or pgvector (Azure Database for PostgreSQL, in a private network). docs/pgvector.md says when to choose which.')
@allowed([
  'inprocess'
  'pgvector'
])
param galleryBackend string = 'inprocess'

@description('E-mail addresses told of alerts and of the budget; none: alerts show in the portal only.')
param alertEmails array = []

@description('Monthly budget of the resource group in the billing currency; 0: none. It tells alertEmails, so it needs one.')
@minValue(0)
param monthlyBudget int = 200

@description('The OpenID Connect authority whose tokens the API accepts: https://login.microsoftonline.com/{tenant}/v2.0 (Entra ID) or https://{tenant}.ciamlogin.com/{tenant}/v2.0 (External ID); empty: service keys only.')
param authAuthority string = ''

@description('The API app registration\'s application ID URI or client id: a token\'s audience.')
param authAudience string = ''

@description('The token claim that names whose images a caller sees and owns: tid (per organisation) or oid (per user).')
param authTenantClaim string = 'tid'

@secure()
@description('The back office service key (reads and writes the shared gallery), kept in Key Vault; azd generates it once per environment.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param backOfficeKey string

@description('Who deploys (azd sets AZURE_PRINCIPAL_ID): may read the back office key, as the pipeline\'s smoke test does.')
param deployerPrincipalId string = ''

@description('API instances kept warm (Flex Consumption always ready, billed while idle); 0 scales to zero.')
@minValue(0)
param alwaysReadyInstances int = 0

@description('Log Analytics daily ingestion cap in GB (-1: none).')
param logsDailyQuotaGb int = 1

var suffix = uniqueString(resourceGroup().id)
var pgvector = galleryBackend == 'pgvector'

module network 'modules/network.bicep' = if (pgvector) {
  name: 'network'
  params: {
    location: location
    namePrefix: namePrefix
  }
}

module postgres 'modules/postgres.bicep' = if (pgvector) {
  name: 'postgres'
  params: {
    location: location
    namePrefix: namePrefix
    serverName: '${namePrefix}-pg-${suffix}'
    trainingIdentityName: identities.outputs.trainingName
    trainingPrincipalId: identities.outputs.trainingPrincipalId
    dataSubnetId: network!.outputs.dataSubnetId
    dnsZoneId: network!.outputs.dnsZoneId
  }
}

// How each workload signs in to the database: its own identity's name, an Entra token as the password, TLS verified.
var postgresConnection = pgvector ? 'Host=${postgres!.outputs.host};Database=${postgres!.outputs.databaseName};Ssl Mode=VerifyFull' : ''

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    dailyQuotaGb: logsDailyQuotaGb
  }
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    location: location
    namePrefix: namePrefix
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: '${namePrefix}${suffix}'
  }
}

module storageRoles 'modules/storage-roles.bicep' = {
  name: 'storage-roles'
  params: {
    accountName: storage.outputs.accountName
    apiPrincipalId: identities.outputs.apiPrincipalId
    trainingPrincipalId: identities.outputs.trainingPrincipalId
  }
}

module ingestion 'modules/ingestion.bicep' = {
  name: 'ingestion'
  params: {
    location: location
    accountName: storage.outputs.accountName
    apiPrincipalId: identities.outputs.apiPrincipalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('${namePrefix}kv${suffix}', 24)
    apiPrincipalId: identities.outputs.apiPrincipalId
    deployerPrincipalId: deployerPrincipalId
    backOfficeKey: backOfficeKey
  }
}

module api 'modules/functionapp.bicep' = {
  name: 'api'
  params: {
    location: location
    namePrefix: namePrefix
    // Function app names are global (<name>.azurewebsites.net): the resource group's suffix keeps two teams apart.
    name: '${namePrefix}-api-${suffix}'
    hostStorageName: take('${namePrefix}host${suffix}', 24)
    identityId: identities.outputs.apiId
    identityClientId: identities.outputs.apiClientId
    identityPrincipalId: identities.outputs.apiPrincipalId
    dataBlobEndpoint: storage.outputs.blobEndpoint
    dataQueueEndpoint: storage.outputs.queueEndpoint
    insightsName: monitoring.outputs.insightsName
    workspaceId: monitoring.outputs.workspaceId
    alwaysReadyInstances: alwaysReadyInstances
    subnetId: pgvector ? network!.outputs.apiSubnetId : ''
    postgresConnection: pgvector ? '${postgresConnection};Username=${identities.outputs.apiName}' : ''
    authAuthority: authAuthority
    authAudience: authAudience
    authTenantClaim: authTenantClaim
    backOfficeKeyReference: empty(backOfficeKey) ? '' : vault.outputs.backOfficeReference
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    name: '${namePrefix}acr${suffix}'
    pullPrincipalId: identities.outputs.trainingPrincipalId
  }
}

module training 'modules/training.bicep' = {
  name: 'training'
  params: {
    location: location
    namePrefix: namePrefix
    workspaceName: monitoring.outputs.workspaceName
    identityId: identities.outputs.trainingId
    identityClientId: identities.outputs.trainingClientId
    registryServer: registry.outputs.loginServer
    dataBlobEndpoint: storage.outputs.blobEndpoint
    gpuProfileType: gpuProfileType
    schedule: trainingSchedule
    datasetPrefix: datasetPrefix
    trainingData: trainingData
    image: trainingImage
    subnetId: pgvector ? network!.outputs.jobsSubnetId : ''
    postgresConnection: pgvector ? '${postgresConnection};Username=${identities.outputs.trainingName}' : ''
    postgresReaderRole: pgvector ? identities.outputs.apiName : ''
    postgresReaderObjectId: pgvector ? identities.outputs.apiPrincipalId : ''
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    namePrefix: namePrefix
    insightsName: monitoring.outputs.insightsName
    workspaceName: monitoring.outputs.workspaceName
    jobName: training.outputs.jobName
    alertEmails: alertEmails
    monthlyBudget: monthlyBudget
  }
}

output AZURE_LOCATION string = location
output STORAGE_ACCOUNT_NAME string = storage.outputs.accountName
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output API_NAME string = api.outputs.name
output VAULT_NAME string = vault.outputs.name
output API_URL string = api.outputs.url
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output TRAINING_JOB_NAME string = training.outputs.jobName
output TRAINING_ENVIRONMENT_NAME string = training.outputs.environmentName
output POSTGRES_HOST string = pgvector ? postgres!.outputs.host : ''

