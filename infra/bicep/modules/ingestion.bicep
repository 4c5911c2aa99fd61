// Triggered ingestion: Event Grid puts the data account's BlobCreated events of the incoming container on a Storage
// queue, which the function app's queue trigger (GalleryIngest) reads. A queue rather than an Event Grid-sourced blob
// trigger: it runs on Flex Consumption, keeps events while the app is scaled to zero, and needs no running app's
// webhook before its subscription can be made, so one deployment makes it all. The account takes no keys: Event Grid
// delivers with its system topic's own identity, the app reads with its managed identity.
param location string
param accountName string
param apiPrincipalId string
param queueName string = 'gallery-incoming'

var queueMessageSender = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
var queueMessageProcessor = '8a0f0c08-91a1-4084-bc3d-661d67233fed'
var queueDataReader = '19e7f393-937e-4f77-808e-94535e297925'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: accountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: queueName
}

resource poison 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${queueName}-poison'
}

resource topic 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: '${accountName}-events'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource topicSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, topic.id, queueMessageSender)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueMessageSender)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// What Microsoft's queue trigger documentation asks of the trigger's identity: Queue Data Reader (the trigger peeks
// and reads the queue's length to scale) and Queue Data Message Processor (it takes and deletes messages).
resource apiProcesses 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [queueDataReader, queueMessageProcessor]: {
  name: guid(queue.id, apiPrincipalId, role)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// The poison queue: the trigger moves a message there after five failed tries (the app writes it).
resource apiParksPoison 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(poison.id, apiPrincipalId, queueMessageSender)
  scope: poison
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueMessageSender)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource created 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = {
  parent: topic
  name: 'incoming-to-queue'
  dependsOn: [topicSends]
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/incoming/blobs/'
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: account.id
          queueName: queue.name
          queueMessageTimeToLiveInSeconds: 604800
        }
      }
    }
  }
}

output queueName string = queue.name
