// The pgvector backend's database (deployed only with galleryBackend 'pgvector'): Azure Database for PostgreSQL
// flexible server with Microsoft Entra sign-in only (no passwords), TLS required, no public access (a private
// endpoint in the network of network.bicep), and the vector extension allow-listed. The training job's identity is
// the Entra administrator: it creates the schema and the extension, publishes galleries, and grants the function
// app's identity read access to what it publishes and the deletion of its rows (erasure; Postgres__ReaderRole), nothing more.
param location string
param namePrefix string
param serverName string
param trainingIdentityName string
param trainingPrincipalId string
param dataSubnetId string
param dnsZoneId string

@description('Compute of the server: burstable is enough for galleries of a few hundred thousand vectors (docs/pgvector.md).')
param skuName string = 'Standard_B2s'
param skuTier string = 'Burstable'
param storageSizeGB int = 32

var databaseName = 'facefunctions'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    storage: {
      storageSizeGB: storageSizeGB
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
  }
}

resource extensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'azure.extensions'
  properties: {
    value: 'VECTOR'
    source: 'user-override'
  }
}

resource secureTransport 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'ON'
    source: 'user-override'
  }
  dependsOn: [
    extensions // one configuration change at a time: the server refuses concurrent ones
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    administrator // the server takes one change at a time: a database beside another change answers ServerIsBusy
  ]
}

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: trainingPrincipalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: trainingIdentityName
    tenantId: subscription().tenantId
  }
  dependsOn: [
    secureTransport
  ]
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: '${namePrefix}-postgres-endpoint'
  location: location
  properties: {
    subnet: {
      id: dataSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'postgres'
        properties: {
          privateLinkServiceId: server.id
          groupIds: ['postgresqlServer']
        }
      }
    ]
  }
  dependsOn: [
    database // last: a private endpoint is a change of the server too
  ]
}

resource endpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'postgres'
        properties: {
          privateDnsZoneId: dnsZoneId
        }
      }
    ]
  }
}

output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
