// What a cloud team is told about: an action group (e-mail), log alerts on the API's requests (5xx rate, p95
// latency), on its model loads (`lastLoadError` set: a published model refused, or its storage unreachable) and on the
// training job's failed executions, and a monthly budget on the resource group. docs/deploy.md, "Operations".
param location string
param namePrefix string
param insightsName string
param workspaceName string
param jobName string

@description('Who is told: e-mail addresses for the alerts and the budget; none: the alerts fire in the portal only.')
param alertEmails array = []

@description('Alert when more than this percentage of the API\'s requests in 15 minutes answer 5xx (at least 20 requests).')
param errorPercentThreshold int = 5

@description('Alert when the API\'s 95th percentile latency over 15 minutes exceeds this many milliseconds.')
param p95LatencyThresholdMs int = 3000

@description('Monthly budget of the resource group in the billing currency; 0: no budget. A budget needs an e-mail to tell: without alertEmails there is none.')
param monthlyBudget int = 200

@description('First day of the budget\'s first month (a budget starts on the first of a month, within the current one).')
param budgetStartDate string = utcNow('yyyy-MM-01')

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-alerts'
  location: 'global'
  properties: {
    groupShortName: take(namePrefix, 12)
    enabled: true
    emailReceivers: [for (email, i) in alertEmails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
  }
}

// Each alert: a query over the last 15 minutes, evaluated every 5, firing when it returns a row.
var alerts = [
  {
    name: 'api-5xx-rate'
    severity: 1
    scope: insights.id
    description: 'More than ${errorPercentThreshold}% of the API\'s requests answered 5xx.'
    query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= 20 and failed * 100.0 / total > ${errorPercentThreshold}'
  }
  {
    name: 'api-p95-latency'
    severity: 2
    scope: insights.id
    description: 'The API\'s 95th percentile latency passed ${p95LatencyThresholdMs} ms.'
    query: 'requests | summarize p95 = percentile(duration, 95), total = count() | where total >= 20 and p95 > ${p95LatencyThresholdMs}'
  }
  {
    name: 'api-model-load-error'
    severity: 1
    scope: insights.id
    description: 'An instance could not load the published model (the health endpoint\'s lastLoadError is set).'
    query: 'traces | where tostring(customDimensions.CategoryName) endswith "Serving.ModelLoaderService" and severityLevel >= 2'
  }
  {
    name: 'training-failed'
    severity: 2
    scope: workspace.id
    description: 'An execution of the training job failed (a failed run never replaces the model that serves).'
    query: 'ContainerAppSystemLogs | where JobName == "${jobName}" | where Reason has_any ("Failed", "BackoffLimitExceeded", "DeadlineExceeded")'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for alert in alerts: {
  name: '${namePrefix}-${alert.name}'
  location: location
  properties: {
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [
      alert.scope
    ]
    // A new workspace has no ContainerAppSystemLogs table until the environment's first logs arrive: do not refuse
    // the rule for a table that comes later.
    skipQueryValidation: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}]

resource budget 'Microsoft.Consumption/budgets@2023-05-01' = if (monthlyBudget > 0 && !empty(alertEmails)) {
  name: '${namePrefix}-monthly'
  properties: {
    category: 'Cost'
    amount: monthlyBudget
    timeGrain: 'Monthly'
    timePeriod: {
      startDate: budgetStartDate
    }
    notifications: {
      actual80: {
        enabled: true
        operator: 'GreaterThanOrEqualTo'
        threshold: 80
        thresholdType: 'Actual'
        contactEmails: alertEmails
        contactGroups: [
          actionGroup.id
        ]
      }
      forecast100: {
        enabled: true
        operator: 'GreaterThanOrEqualTo'
        threshold: 100
        thresholdType: 'Forecasted'
        contactEmails: alertEmails
        contactGroups: [
          actionGroup.id
        ]
      }
    }
  }
}

output actionGroupId string = actionGroup.id
