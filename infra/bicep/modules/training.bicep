// The training job: a Container Apps environment with a serverless GPU workload profile and a Container Apps Job
// (manual trigger, or a schedule) running the training image as its own identity.
param location string
param namePrefix string
param workspaceName string
param identityId string
param identityClientId string
param registryServer string
param dataBlobEndpoint string

@description('Serverless GPU profile type (T4 or A100, where the region offers them).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('The training image; azd deploy replaces the placeholder with the image it builds.')
param image string = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'

@description('Folder of the dataset in the datasets container.')
param datasetPrefix string = 'faces'

@description('What the job trains on instead of that folder: "synthetic" (the drawn faces, for a first deployment whose datasets container is empty) or another --data value; empty: the folder.')
param trainingData string = ''

@description('Empty for a manual trigger only, or a cron expression (UTC) such as "0 3 * * 1" for a schedule.')
param schedule string = ''

@description('A delegated subnet for the environment (the pgvector backend\'s private network); empty: none.')
param subnetId string = ''

@description('The pgvector backend\'s connection (host, database, this identity\'s name; no password: Entra tokens); empty: publish to Blob Storage only.')
param postgresConnection string = ''

@description('The role the function app signs in as; each publication grants it read access to what it publishes.')
param postgresReaderRole string = ''

@description('The Entra object id of that role\'s principal: the role is created for it, not for a display name, which need not be unique in a tenant.')
param postgresReaderObjectId string = ''

// A replica takes the whole GPU node its profile names: its cores and memory (Container Apps' serverless GPU sizes).
var gpuProfiles = {
  'Consumption-GPU-NC8as-T4': {
    cpu: json('8')
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: json('24')
    memory: '220Gi'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-jobs'
  location: location
  properties: {
    // Logs through Azure Monitor's diagnostic settings (below), so the workspace's shared key is never read.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    vnetConfiguration: empty(subnetId) ? null : {
      infrastructureSubnetId: subnetId
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: 'gpu'
        workloadProfileType: gpuProfileType
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: environment
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

var trigger = empty(schedule) ? {
  triggerType: 'Manual'
  manualTriggerConfig: {
    parallelism: 1
    replicaCompletionCount: 1
  }
} : {
  triggerType: 'Schedule'
  scheduleTriggerConfig: {
    cronExpression: schedule
    parallelism: 1
    replicaCompletionCount: 1
  }
}

resource job 'Microsoft.App/jobs@2024-03-01' = {
  name: '${namePrefix}-training'
  location: location
  tags: {
    'azd-service-name': 'training'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: union(trigger, {
      replicaTimeout: 14400
      replicaRetryLimit: 0
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    })
    template: {
      containers: [
        {
          name: 'training'
          image: image
          args: [
            'train'
            '--data'
            empty(trainingData) ? 'blob:datasets/${datasetPrefix}' : trainingData
            '--output'
            '/tmp/model'
          ]
          env: [
            { name: 'Storage__ServiceUri', value: dataBlobEndpoint }
            { name: 'Storage__ModelsContainer', value: 'models' }
            { name: 'Storage__ImagesContainer', value: 'images' }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            // Empty without the pgvector backend: the job then publishes to Blob Storage only.
            { name: 'Postgres__ConnectionString', value: postgresConnection }
            { name: 'Postgres__Authentication', value: 'ManagedIdentity' }
            { name: 'Postgres__ReaderRole', value: postgresReaderRole }
            { name: 'Postgres__ReaderObjectId', value: postgresReaderObjectId }
          ]
          resources: gpuProfiles[gpuProfileType]
        }
      ]
    }
  }
}

output environmentName string = environment.name
output jobName string = job.name
