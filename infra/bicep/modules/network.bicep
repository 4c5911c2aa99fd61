// The private network of the pgvector backend (deployed only with galleryBackend 'pgvector'): the database has no
// public access, so the function app and the training job's environment join this network, and the server is reached
// through a private endpoint whose name resolves in a private DNS zone.
param location string
param namePrefix string

resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: ['10.40.0.0/16']
    }
    subnets: [
      {
        // Flex Consumption joins a network through a subnet delegated to Microsoft.App/environments.
        name: 'api'
        properties: {
          addressPrefix: '10.40.1.0/24'
          delegations: [{ name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        // A workload-profiles Container Apps environment needs a delegated /27 or larger.
        name: 'jobs'
        properties: {
          addressPrefix: '10.40.2.0/23'
          delegations: [{ name: 'apps', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'data'
        properties: {
          addressPrefix: '10.40.4.0/24'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'privatelink.postgres.database.azure.com'
  location: 'global'
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: '${namePrefix}-vnet-link'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: network.id
    }
  }
}

output apiSubnetId string = network.properties.subnets[0].id
output jobsSubnetId string = network.properties.subnets[1].id
output dataSubnetId string = network.properties.subnets[2].id
output dnsZoneId string = zone.id
