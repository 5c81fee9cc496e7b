import type { ApiScope } from "../auth/api-key-token";
import { LANGUAGES } from "../i18n/config";
import { INTERACTION_STATES } from "../interactions/states";
import { NODE_TYPES } from "../ivr/model";
import { ISSUE_CODES } from "../ivr/validator";
import { AFTER_HOURS_ACTIONS, OVERFLOW_ACTIONS, QUEUE_CHANNELS, QUEUE_LIMITS } from "../queues/schemas";
import { USAGE_KINDS } from "../billing/plan";
import { AGENT_STATES } from "../routing/agent-state";
import { API_INTERACTION_STATES, DISPOSABLE_STATES, INTERACTIONS_PAGE_DEFAULT, INTERACTIONS_PAGE_MAX, NOTE_MAX } from "./routing-schemas";
import { PHONE_CHANNELS } from "./schemas";

/**
 * The one description of the REST API (OpenAPI 3.1). Pure: later endpoints add their schemas to
 * SCHEMAS and their operations to OPERATIONS; GET /api/v1/openapi.json serves buildOpenApiDocument().
 */
type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: {
            type: "string",
            examples: ["unauthorized", "insufficient_scope", "not_found", "validation_failed", "conflict"],
          },
          message: { type: "string" },
          details: {
            type: "array",
            description: "Per-field problems (validation_failed, conflict).",
            items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } },
          },
          issues: {
            type: "array",
            description: "The IVR validator's issues (publishing refused with 409, or a definition that does not parse with 422).",
            items: { $ref: "#/components/schemas/ValidationIssue" },
          },
        },
      },
    },
  },
  Tenant: {
    type: "object",
    required: ["id", "slug", "name", "status", "defaultLanguage", "timeZone", "currency", "createdAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      slug: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$" },
      name: { type: "string" },
      status: { type: "string", enum: ["active", "suspended"] },
      defaultLanguage: { type: "string", enum: ["fa", "en", "nl"] },
      timeZone: { type: "string", examples: ["Asia/Tehran"] },
      currency: { type: "string", pattern: "^[A-Z]{3}$" },
      createdAt: { type: "string", format: "date-time" },
    },
  },
  PhoneNumber: {
    type: "object",
    required: ["id", "e164", "label", "channels", "createdAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      e164: { type: "string", pattern: "^\\+[1-9][0-9]{6,14}$", examples: ["+982112345678"] },
      label: { type: "string" },
      channels: { type: "array", items: { type: "string", enum: [...PHONE_CHANNELS] } },
      createdAt: { type: "string", format: "date-time" },
    },
  },
  PhoneNumberCreate: {
    type: "object",
    required: ["e164"],
    additionalProperties: false,
    properties: {
      e164: {
        type: "string",
        description: "International form; spaces, dashes, Persian digits and a leading 0 (Iran) or 00 are normalised.",
        examples: ["+98 21 1234 5678"],
      },
      label: { type: "string", maxLength: 80, default: "" },
      channels: { type: "array", minItems: 1, items: { type: "string", enum: [...PHONE_CHANNELS] }, default: ["voice"] },
    },
  },
  FlowSummary: {
    type: "object",
    required: ["id", "name", "draftVersion", "publishedVersion", "createdAt", "updatedAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      name: { type: "string" },
      draftVersion: { type: ["integer", "null"], description: "The version being edited, if any." },
      publishedVersion: { type: ["integer", "null"], description: "The version answering calls, if any." },
      createdAt: { type: "string", format: "date-time" },
      updatedAt: { type: "string", format: "date-time" },
    },
  },
  Flow: {
    allOf: [
      ref("FlowSummary"),
      {
        type: "object",
        required: ["draft", "published"],
        properties: {
          draft: { oneOf: [ref("FlowVersion"), { type: "null" }] },
          published: { oneOf: [ref("FlowVersion"), { type: "null" }] },
        },
      },
    ],
  },
  FlowVersion: {
    type: "object",
    required: ["version", "status", "note", "createdAt", "publishedAt", "definition", "validation"],
    properties: {
      version: { type: "integer", minimum: 1 },
      status: { type: "string", enum: ["draft", "published", "archived"] },
      note: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
      publishedAt: { type: ["string", "null"], format: "date-time" },
      definition: ref("FlowDefinition"),
      validation: ref("ValidationReport"),
    },
  },
  FlowDefinition: {
    type: "object",
    description:
      "An IVR flow: a graph of typed nodes. Each node has an id (a short slug) and a type; its other fields depend on the type (prompts per language, menu options digit -> next node, queue id, ...). The validator checks the graph.",
    required: ["start", "nodes"],
    properties: {
      start: { type: "string", description: "Id of the first node." },
      nodes: {
        type: "array",
        minItems: 1,
        maxItems: 300,
        items: {
          type: "object",
          required: ["id", "type"],
          properties: {
            id: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?$" },
            type: { type: "string", enum: [...NODE_TYPES] },
          },
          additionalProperties: true,
        },
      },
      goodbye: ref("Prompt"),
    },
  },
  Prompt: {
    type: "object",
    properties: {
      text: { type: "object", description: "Text to speech per language.", propertyNames: { enum: [...LANGUAGES] }, additionalProperties: { type: "string", maxLength: 2000 } },
      audioUrl: { type: "string", format: "uri" },
    },
  },
  ValidationIssue: {
    type: "object",
    required: ["nodeId", "code", "severity", "params", "message"],
    properties: {
      nodeId: { type: ["string", "null"], description: "The node the issue points at; null for the flow as a whole." },
      code: { type: "string", enum: [...ISSUE_CODES] },
      severity: { type: "string", enum: ["error", "warning"], description: "Errors block publishing; warnings do not." },
      params: { type: "object", additionalProperties: { type: ["string", "number"] } },
      message: { type: "string", description: "The issue in English." },
    },
  },
  ValidationReport: {
    type: "object",
    required: ["valid", "errorCount", "warningCount", "issues"],
    properties: {
      valid: { type: "boolean", description: "No error-severity issues: the flow can be published." },
      errorCount: { type: "integer", minimum: 0 },
      warningCount: { type: "integer", minimum: 0 },
      issues: { type: "array", items: ref("ValidationIssue") },
    },
  },
  ValidationResult: {
    allOf: [
      ref("ValidationReport"),
      {
        type: "object",
        required: ["version"],
        properties: { version: { type: ["integer", "null"], description: "The draft's version when the draft was validated; null for a definition sent in the body." } },
      },
    ],
  },
  Call: {
    type: "object",
    required: ["id", "state", "direction", "provider", "from", "to", "phoneNumberId", "flowId", "flowVersion", "language", "ivrPath", "variables", "startedAt", "endedAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      state: { type: "string", enum: [...INTERACTION_STATES] },
      direction: { type: "string", enum: ["inbound", "outbound"] },
      provider: { type: "string", enum: ["simulator", "twilio"] },
      from: { type: ["string", "null"], description: "The caller's number." },
      to: { type: ["string", "null"], description: "The tenant number dialled." },
      phoneNumberId: { type: ["string", "null"], format: "uuid" },
      flowId: { type: ["string", "null"], format: "uuid" },
      flowVersion: { type: ["integer", "null"], description: "The flow version the call runs on (pinned when it started)." },
      language: { type: "string", enum: [...LANGUAGES] },
      ivrPath: { type: "array", items: { type: "string" }, description: "Ids of the IVR nodes the caller went through, in order." },
      variables: { type: "object", additionalProperties: { type: "string" }, description: "Digits collected by the IVR." },
      startedAt: { type: "string", format: "date-time" },
      endedAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  CallEvent: {
    type: "object",
    required: ["seq", "type", "at", "data"],
    properties: {
      seq: { type: "integer", minimum: 1 },
      type: { type: "string", examples: ["call.started", "ivr.step", "state.changed", "call.ended"] },
      at: { type: "string", format: "date-time" },
      data: { type: "object" },
    },
  },
  CallDetail: {
    allOf: [ref("Call"), { type: "object", required: ["events"], properties: { events: { type: "array", items: ref("CallEvent") } } }],
  },
  ServiceLevel: {
    type: "object",
    description:
      "Today's figures (since midnight in the tenant's time zone). Service level = answered within the threshold / (answered + abandoned after the short-abandon threshold); short abandons count neither way.",
    required: ["answered", "answeredWithin", "abandoned", "shortAbandoned", "serviceLevel", "abandonRate"],
    properties: {
      answered: { type: "integer", minimum: 0 },
      answeredWithin: { type: "integer", minimum: 0 },
      abandoned: { type: "integer", minimum: 0 },
      shortAbandoned: { type: "integer", minimum: 0 },
      serviceLevel: { type: ["number", "null"], minimum: 0, maximum: 100, description: "Percentage with one decimal; null until a contact counts." },
      abandonRate: { type: ["number", "null"], minimum: 0, maximum: 100, description: "Percentage with one decimal; null until a contact counts." },
    },
  },
  QueueLiveFigures: {
    type: "object",
    required: ["waiting", "longestWaitSeconds", "agents", "today"],
    properties: {
      waiting: { type: "integer", minimum: 0, description: "Contacts waiting in the queue now." },
      longestWaitSeconds: { type: "integer", minimum: 0, description: "How long the oldest waiting contact has waited; 0 when none waits." },
      agents: {
        type: "object",
        description: "Agents serving the queue, by their current state.",
        required: [...AGENT_STATES],
        properties: Object.fromEntries(AGENT_STATES.map((st) => [st, { type: "integer", minimum: 0 }])),
      },
      today: ref("ServiceLevel"),
    },
  },
  Queue: {
    type: "object",
    required: [
      "id", "key", "name", "channels", "requiredSkills", "minProficiency", "language", "priority", "slTargetPct", "slThresholdSeconds",
      "shortAbandonSeconds", "maxWaitSeconds", "overflowAction", "overflowQueueId", "overflowNumber", "offerTimeoutSeconds", "wrapupSeconds",
      "afterHours", "createdAt", "updatedAt", "live",
    ],
    properties: {
      id: { type: "string", format: "uuid" },
      key: { type: "string", pattern: "^[a-z0-9][a-z0-9_-]{0,39}$", description: "The id IVR flows name the queue by." },
      name: { type: "string" },
      channels: { type: "array", items: { type: "string", enum: [...QUEUE_CHANNELS] } },
      requiredSkills: { type: "array", items: { type: "string" } },
      minProficiency: { type: "integer", minimum: QUEUE_LIMITS.minProficiency[0], maximum: QUEUE_LIMITS.minProficiency[1] },
      language: { type: ["string", "null"], enum: [...LANGUAGES, null], description: "Contacts need an agent speaking it; null for any." },
      priority: { type: "integer", minimum: QUEUE_LIMITS.priority[0], maximum: QUEUE_LIMITS.priority[1], description: "Higher is served first." },
      slTargetPct: { type: "integer", minimum: QUEUE_LIMITS.slTargetPct[0], maximum: QUEUE_LIMITS.slTargetPct[1] },
      slThresholdSeconds: { type: "integer", minimum: QUEUE_LIMITS.slThresholdSeconds[0], maximum: QUEUE_LIMITS.slThresholdSeconds[1] },
      shortAbandonSeconds: { type: "integer", minimum: QUEUE_LIMITS.shortAbandonSeconds[0], maximum: QUEUE_LIMITS.shortAbandonSeconds[1] },
      maxWaitSeconds: { type: "integer", minimum: QUEUE_LIMITS.maxWaitSeconds[0], maximum: QUEUE_LIMITS.maxWaitSeconds[1] },
      overflowAction: { type: "string", enum: [...OVERFLOW_ACTIONS], description: "What happens to a contact after maxWaitSeconds." },
      overflowQueueId: { type: ["string", "null"], format: "uuid" },
      overflowNumber: { type: ["string", "null"] },
      offerTimeoutSeconds: { type: "integer", minimum: QUEUE_LIMITS.offerTimeoutSeconds[0], maximum: QUEUE_LIMITS.offerTimeoutSeconds[1] },
      wrapupSeconds: { type: "integer", minimum: QUEUE_LIMITS.wrapupSeconds[0], maximum: QUEUE_LIMITS.wrapupSeconds[1] },
      afterHours: { type: "string", enum: [...AFTER_HOURS_ACTIONS] },
      createdAt: { type: "string", format: "date-time" },
      updatedAt: { type: "string", format: "date-time" },
      live: ref("QueueLiveFigures"),
    },
  },
  AgentState: {
    type: "object",
    required: ["agentId", "name", "state", "sinceSeconds", "queues"],
    properties: {
      agentId: { type: "string", format: "uuid" },
      name: { type: "string", description: "The agent's display name." },
      state: { type: "string", enum: [...AGENT_STATES] },
      sinceSeconds: { type: "integer", minimum: 0, description: "Time in the current state." },
      queues: {
        type: "array",
        description: "Queues the agent serves: for a tenant's view, that tenant's only.",
        items: {
          type: "object",
          required: ["tenantId", "tenantName", "queueId", "queueName"],
          properties: {
            tenantId: { type: "string", format: "uuid" },
            tenantName: { type: "string" },
            queueId: { type: "string", format: "uuid" },
            queueName: { type: "string" },
          },
        },
      },
      reason: { type: ["string", "null"], description: "Bureau view only: the break reason." },
      contactTenant: { type: ["string", "null"], description: "Bureau view only: the company whose contact the agent is on." },
    },
  },
  Interaction: {
    type: "object",
    required: [
      "id", "channel", "direction", "state", "provider", "from", "to", "language", "customerId", "queue", "agent", "disposition", "wrapupNotes",
      "startedAt", "queuedAt", "answeredAt", "wrapupAt", "endedAt",
    ],
    properties: {
      id: { type: "string", format: "uuid" },
      channel: { type: "string", enum: ["voice", "chat", "email", "sms"] },
      direction: { type: "string", enum: ["inbound", "outbound"] },
      state: { type: "string", enum: [...API_INTERACTION_STATES] },
      provider: { type: "string", enum: ["simulator", "twilio"] },
      from: { type: ["string", "null"] },
      to: { type: ["string", "null"] },
      language: { type: "string", enum: [...LANGUAGES] },
      customerId: { type: ["string", "null"], format: "uuid", description: "The tenant's customer (known by phone number)." },
      queue: {
        oneOf: [
          { type: "object", required: ["id", "key", "name"], properties: { id: { type: "string", format: "uuid" }, key: { type: "string" }, name: { type: "string" } } },
          { type: "null" },
        ],
      },
      agent: {
        oneOf: [
          { type: "object", required: ["id", "name"], properties: { id: { type: "string", format: "uuid" }, name: { type: "string", description: "Display name." } } },
          { type: "null" },
        ],
      },
      disposition: {
        oneOf: [
          {
            type: "object",
            required: ["id", "code", "name", "resolved"],
            properties: { id: { type: "string", format: "uuid" }, code: { type: "string" }, name: { type: "string" }, resolved: { type: "boolean" } },
          },
          { type: "null" },
        ],
      },
      wrapupNotes: { type: "string", description: "The agent's notes from wrap-up." },
      startedAt: { type: "string", format: "date-time" },
      queuedAt: { type: ["string", "null"], format: "date-time" },
      answeredAt: { type: ["string", "null"], format: "date-time" },
      wrapupAt: { type: ["string", "null"], format: "date-time" },
      endedAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  InteractionEvent: {
    type: "object",
    required: ["seq", "type", "at", "data"],
    properties: {
      seq: { type: "integer", minimum: 1 },
      type: { type: "string", examples: ["call.started", "routing.queued", "contact.disposed", "note.added", "disposition.set"] },
      at: { type: "string", format: "date-time" },
      data: { type: "object" },
    },
  },
  InteractionNote: {
    type: "object",
    required: ["id", "body", "author", "createdAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      body: { type: "string", maxLength: NOTE_MAX },
      author: { type: "string", description: "The user's name, or 'api-key <prefix>' for a note written through the API." },
      createdAt: { type: "string", format: "date-time" },
    },
  },
  InteractionDetail: {
    allOf: [
      ref("Interaction"),
      {
        type: "object",
        required: ["events", "notes"],
        properties: { events: { type: "array", items: ref("InteractionEvent") }, notes: { type: "array", items: ref("InteractionNote") } },
      },
    ],
  },
  InteractionPage: {
    type: "object",
    required: ["data", "nextCursor"],
    properties: {
      data: { type: "array", items: ref("Interaction") },
      nextCursor: { type: ["string", "null"], description: "Pass as ?cursor= (with the same filters) for the next page; null on the last page." },
    },
  },
  NoteCreate: {
    type: "object",
    required: ["body"],
    properties: { body: { type: "string", minLength: 1, maxLength: NOTE_MAX, description: "Leading and trailing spaces are trimmed." } },
  },
  DispositionSet: {
    type: "object",
    required: ["dispositionId"],
    properties: {
      dispositionId: { type: "string", format: "uuid", description: "An active outcome of the tenant's dispositions (a reason with outcomes under it is refused)." },
      notes: { type: "string", maxLength: NOTE_MAX, default: "", description: "Kept as a note on the interaction; the agent's wrap-up notes are not changed." },
    },
  },
  Money: {
    type: "string",
    pattern: "^-?[0-9]+$",
    description: "An amount in the currency's minor units as a decimal string (IRR: rial). JSON numbers lose precision past 2^53.",
  },
  RatedLine: {
    type: "object",
    required: ["type", "descriptionKey", "params", "amount"],
    properties: {
      type: { type: "string", enum: ["base_fee", "usage", "minimum_topup", "sla_credit", "vat", "credit"] },
      descriptionKey: { type: "string", description: "A translation key (billing namespace) with params." },
      params: { type: "object" },
      kind: { type: ["string", "null"], enum: [...USAGE_KINDS, null] },
      quantity: { type: ["integer", "null"], description: "In quantityUnit (seconds for minute kinds)." },
      quantityUnit: { type: ["string", "null"] },
      unitPrice: { oneOf: [{ $ref: "#/components/schemas/Money" }, { type: "null" }] },
      amount: ref("Money"),
    },
  },
  RatedInvoice: {
    type: "object",
    required: ["lines", "subtotal", "slaCredit", "vatRateBp", "vat", "total"],
    properties: {
      lines: { type: "array", items: ref("RatedLine") },
      subtotal: ref("Money"),
      slaCredit: ref("Money"),
      vatRateBp: { type: "integer", description: "VAT in basis points (1000 = 10%)." },
      vat: ref("Money"),
      total: ref("Money"),
    },
  },
  UsageSummary: {
    type: "object",
    required: ["period", "currency", "usage", "byDay", "invoice"],
    properties: {
      period: {
        type: "object",
        required: ["label", "calendar", "start", "end", "running", "asOf"],
        properties: {
          label: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}$" },
          calendar: { type: "string", enum: ["gregorian", "jalali"] },
          start: { type: "string", format: "date-time" },
          end: { type: "string", format: "date-time" },
          running: { type: "boolean" },
          asOf: { type: "string", format: "date-time" },
        },
      },
      currency: { type: "string" },
      usage: {
        type: "array",
        items: { type: "object", required: ["kind", "quantity", "unit"], properties: { kind: { type: "string", enum: [...USAGE_KINDS] }, quantity: { type: "integer" }, unit: { type: "string" } } },
      },
      byDay: {
        type: "array",
        items: { type: "object", required: ["day", "kind", "quantity"], properties: { day: { type: "string", format: "date" }, kind: { type: "string" }, quantity: { type: "integer" } } },
      },
      invoice: {
        description: "Running period: the invoice if it ended now (accrued) and at the pace so far (projected). A past period: as it rates (rated). Null without a plan.",
        oneOf: [
          { type: "null" },
          { type: "object", required: ["accrued", "projected"], properties: { accrued: ref("RatedInvoice"), projected: ref("RatedInvoice") } },
          { type: "object", required: ["rated"], properties: { rated: ref("RatedInvoice") } },
        ],
      },
    },
  },
  InvoiceSummary: {
    type: "object",
    required: ["id", "kind", "status", "number", "period", "calendar", "currency", "total", "amountPaid"],
    properties: {
      id: { type: "string", format: "uuid" },
      kind: { type: "string", enum: ["invoice", "credit_note"] },
      status: { type: "string", enum: ["draft", "finalized", "sent", "paid", "void"] },
      number: { type: ["string", "null"], description: "Consecutive bureau-wide; null while a draft." },
      period: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}$" },
      calendar: { type: "string", enum: ["gregorian", "jalali"] },
      currency: { type: "string" },
      total: ref("Money"),
      amountPaid: ref("Money"),
      issuedAt: { type: ["string", "null"], format: "date-time" },
      dueAt: { type: ["string", "null"], format: "date-time" },
      creditForInvoiceId: { type: ["string", "null"], format: "uuid" },
    },
  },
  Invoice: {
    allOf: [
      ref("InvoiceSummary"),
      {
        type: "object",
        required: ["lines", "payments", "subtotal", "vat", "balance"],
        properties: {
          periodStart: { type: "string", format: "date-time" },
          periodEnd: { type: "string", format: "date-time" },
          baseFee: ref("Money"),
          usageAmount: ref("Money"),
          minimumTopUp: ref("Money"),
          slaCredit: ref("Money"),
          subtotal: ref("Money"),
          vatRateBp: { type: "integer" },
          vat: ref("Money"),
          balance: ref("Money"),
          usage: { type: "object", additionalProperties: { type: "integer" } },
          paidAt: { type: ["string", "null"], format: "date-time" },
          reason: { type: "string" },
          lines: { type: "array", items: { allOf: [ref("RatedLine"), { type: "object", properties: { lineNo: { type: "integer" } } }] } },
          payments: {
            type: "array",
            items: { type: "object", required: ["id", "amount", "method", "reference", "receivedAt"], properties: { id: { type: "string" }, amount: ref("Money"), method: { type: "string" }, reference: { type: "string" }, receivedAt: { type: "string", format: "date-time" } } },
          },
        },
      },
    ],
  },
  StaffingInput: {
    type: "object",
    required: ["contacts", "intervalSeconds", "ahtSeconds", "targetServiceLevel", "thresholdSeconds"],
    additionalProperties: false,
    properties: {
      contacts: { type: "number", minimum: 0, description: "Contacts offered in the interval." },
      intervalSeconds: { type: "integer", minimum: 60, maximum: 86400, examples: [1800] },
      ahtSeconds: { type: "number", exclusiveMinimum: 0, maximum: 86400, description: "Average handle time (talk, hold, wrap-up)." },
      targetServiceLevel: { type: "number", minimum: 0, exclusiveMaximum: 1, description: "Share answered within the threshold: 0.8 for 80/20." },
      thresholdSeconds: { type: "number", minimum: 0, maximum: 86400, examples: [20] },
      shrinkage: { type: "number", minimum: 0, exclusiveMaximum: 1, description: "Share of paid time off the phones (breaks, leave, training)." },
      maxOccupancy: { type: "number", exclusiveMinimum: 0, maximum: 1, description: "Occupancy cap, e.g. 0.85." },
      patienceSeconds: { type: "number", exclusiveMinimum: 0, maximum: 7200, description: "Mean caller patience: sizes with Erlang A (abandonment) instead of Erlang C." },
    },
  },
  StaffingResult: {
    type: "object",
    required: ["model", "erlangs", "agentsRequired", "scheduledHeads", "serviceLevel", "asaSeconds", "occupancy", "probabilityWaiting", "limitedBy"],
    properties: {
      model: { type: "string", enum: ["erlangC", "erlangA"] },
      erlangs: { type: "number", description: "Offered workload." },
      agentsRequired: { type: "integer", description: "Agents needed on the phones." },
      scheduledHeads: { type: "integer", description: "Agents to schedule: agentsRequired / (1 − shrinkage), rounded up." },
      serviceLevel: { type: "number" },
      asaSeconds: { type: "number", description: "Average speed of answer (answered contacts)." },
      occupancy: { type: "number" },
      probabilityWaiting: { type: "number" },
      abandonRate: { type: "number", description: "Only with patienceSeconds (Erlang A)." },
      limitedBy: { type: "string", enum: ["none", "stability", "serviceLevel", "occupancy"] },
    },
  },
  WfmQueue: {
    type: "object",
    properties: {
      id: { type: "string", format: "uuid" },
      key: { type: "string" },
      name: { type: "string" },
      tenant: { type: "string", description: "The tenant's slug." },
      serviceLevelTarget: { type: "number" },
      serviceLevelThresholdSeconds: { type: "integer" },
      timeZone: { type: "string" },
      patienceSeconds: { type: ["number", "null"], description: "From the abandon history when there is enough of it (Erlang A), else null." },
    },
  },
  WfmForecast: {
    type: "object",
    properties: {
      queue: ref("WfmQueue"),
      weekStart: { type: "string", format: "date", description: "Saturday of the first week (bureau zone)." },
      weeks: { type: "integer" },
      intervalMinutes: { type: "integer", enum: [15, 30] },
      generatedAt: { type: ["string", "null"], format: "date-time" },
      backtest: { type: ["object", "null"], description: "Errors on the held-out last complete week: mape, wape, bias, dailyMape, dailyWape, ahtWape (shares)." },
      intervals: {
        type: "array",
        items: {
          type: "object",
          properties: {
            start: { type: "string", format: "date-time" },
            localDate: { type: "string", format: "date" },
            minuteOfDay: { type: "integer" },
            dayType: { type: "string", enum: ["normal", "holiday"] },
            contacts: { type: "number", description: "Adjusted forecast (statistical × the planner's adjustments)." },
            ahtSeconds: { type: "number" },
            statisticalContacts: { type: "number" },
            statisticalAhtSeconds: { type: "number" },
            adjustments: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
  WfmRequirements: {
    type: "object",
    properties: {
      weekStart: { type: "string", format: "date" },
      timeZone: { type: "string" },
      intervalMinutes: { type: "integer" },
      shrinkage: { type: "number" },
      maxOccupancy: { type: "number" },
      intervals: { type: "array", items: { type: "string", format: "date-time" } },
      queues: {
        type: "array",
        items: {
          type: "object",
          properties: {
            queue: ref("WfmQueue"),
            model: { type: "string", enum: ["erlangC", "erlangA"] },
            contacts: { type: "array", items: { type: "number" } },
            ahtSeconds: { type: "array", items: { type: "number" } },
            standaloneAgents: { type: "array", items: { type: "integer" }, description: "The queue sized alone." },
            agents: { type: "array", items: { type: "number" }, description: "Its share of the pool of queues sharing agents (fractional)." },
            heads: { type: "array", items: { type: "integer" }, description: "Agents to schedule (shrinkage included): what the roster covers." },
            serviceLevel: { type: "array", items: { type: "number" } },
          },
        },
      },
      pools: { type: "array", description: "Bureau keys only: queues sized together.", items: { type: "object" } },
      missingForecast: { type: "array", items: { type: "string", format: "uuid" } },
    },
  },
  WfmRoster: {
    type: "object",
    properties: {
      rosterId: { type: "string", format: "uuid" },
      weekStart: { type: "string", format: "date" },
      timeZone: { type: "string" },
      version: { type: "integer" },
      publishedAt: { type: ["string", "null"], format: "date-time" },
      agents: {
        type: "array",
        items: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid" },
            employeeCode: { type: "string" },
            name: { type: "string" },
            shifts: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: { type: "string", format: "uuid" },
                  day: { type: "integer", minimum: 0, maximum: 6, description: "0 = Saturday … 6 = Friday." },
                  date: { type: "string", format: "date" },
                  template: { type: "string" },
                  startsAt: { type: "string", format: "date-time" },
                  endsAt: { type: "string", format: "date-time" },
                  paidMinutes: { type: "integer" },
                  night: { type: "boolean" },
                  breaks: { type: "array", items: { type: "object", properties: { kind: { type: "string", enum: ["meal", "short"] }, startsAt: { type: "string", format: "date-time" }, endsAt: { type: "string", format: "date-time" } } } },
                },
              },
            },
          },
        },
      },
    },
  },
};

const dataOf = (schema: JsonSchema) => ({ type: "object", required: ["data"], properties: { data: schema } });

export interface ApiOperation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Scopes the key must hold; an empty list is a public operation (no security). */
  scopes: ApiScope[];
  parameters?: JsonSchema[];
  requestSchema?: string;
  /** The request body may be left out (e.g. validate the stored draft). */
  requestOptional?: boolean;
  /** status -> [description, schema of the body or null] */
  responses: Record<string, [string, JsonSchema | null]>;
  /** Error statuses this operation may answer besides 401/403 (implied by security). */
  errors?: number[];
}

const tenantParam = {
  name: "tenant",
  in: "query",
  required: false,
  description: "Bureau keys: the tenant's slug (required). Tenant keys: omit it, or give the key's own tenant.",
  schema: { type: "string" },
};

const flowIdParam = { name: "flowId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const interactionIdParam = { name: "interactionId", in: "path", required: true, schema: { type: "string", format: "uuid" } };

export const OPERATIONS: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/tenants/me",
    operationId: "getCurrentTenant",
    summary: "The tenant of the calling tenant key",
    tag: "Tenants",
    scopes: ["tenant:read"],
    responses: { "200": ["The tenant", dataOf(ref("Tenant"))] },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/tenants",
    operationId: "listTenants",
    summary: "All tenants (bureau keys only)",
    tag: "Tenants",
    scopes: ["tenants:read"],
    responses: { "200": ["The tenants, by name", dataOf({ type: "array", items: ref("Tenant") })] },
  },
  {
    method: "get",
    path: "/api/v1/phone-numbers",
    operationId: "listPhoneNumbers",
    summary: "The tenant's phone numbers",
    tag: "Phone numbers",
    scopes: ["numbers:read"],
    parameters: [tenantParam],
    responses: { "200": ["The numbers", dataOf({ type: "array", items: ref("PhoneNumber") })] },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/phone-numbers",
    operationId: "createPhoneNumber",
    summary: "Add a phone number to the tenant",
    description: "A number belongs to one tenant bureau-wide; adding one that exists answers 409.",
    tag: "Phone numbers",
    scopes: ["numbers:write"],
    parameters: [tenantParam],
    requestSchema: "PhoneNumberCreate",
    responses: { "201": ["The new number", dataOf(ref("PhoneNumber"))] },
    errors: [400, 404, 409, 422],
  },
  {
    method: "get",
    path: "/api/v1/flows",
    operationId: "listFlows",
    summary: "The tenant's IVR flows",
    description: "By name, each with its current draft and published version numbers.",
    tag: "IVR flows",
    scopes: ["flows:read"],
    parameters: [tenantParam],
    responses: { "200": ["The flows", dataOf({ type: "array", items: ref("FlowSummary") })] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/flows/{flowId}",
    operationId: "getFlow",
    summary: "One IVR flow with its draft and published definitions",
    description: "Each version carries the validator's report from when it was saved or published.",
    tag: "IVR flows",
    scopes: ["flows:read"],
    parameters: [flowIdParam, tenantParam],
    responses: { "200": ["The flow", dataOf(ref("Flow"))] },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/flows/{flowId}/validate",
    operationId: "validateFlow",
    summary: "Validate a flow definition, or the flow's draft",
    description:
      "With a flow definition as the body, checks it (nothing is stored) against the queues and languages the flow's saved versions use; without a body (or with {}), answers the draft's report (409 when there is no draft). A body that is not a flow's shape answers 422 naming each field, with the same problems as issues.",
    tag: "IVR flows",
    scopes: ["flows:read"],
    parameters: [flowIdParam, tenantParam],
    requestSchema: "FlowDefinition",
    requestOptional: true,
    responses: { "200": ["The validator's report; valid is false while there are errors", dataOf(ref("ValidationResult"))] },
    errors: [400, 404, 409, 422],
  },
  {
    method: "post",
    path: "/api/v1/flows/{flowId}/publish",
    operationId: "publishFlow",
    summary: "Publish the flow's draft",
    description:
      "Atomically: the draft becomes the published version and the previous one is archived; calls already running keep their version. Refused with 409 while the draft has errors (the error lists them as issues) or when there is no draft.",
    tag: "IVR flows",
    scopes: ["flows:write"],
    parameters: [flowIdParam, tenantParam],
    responses: { "200": ["The newly published version", dataOf(ref("FlowVersion"))] },
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/calls",
    operationId: "listCalls",
    summary: "The tenant's recent calls",
    description: "Newest first, with state, numbers, language and the IVR path taken.",
    tag: "Calls",
    scopes: ["calls:read"],
    parameters: [
      tenantParam,
      { name: "limit", in: "query", required: false, description: "How many calls (1-200).", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
    ],
    responses: { "200": ["The calls", dataOf({ type: "array", items: ref("Call") })] },
    errors: [400, 404, 422],
  },
  {
    method: "get",
    path: "/api/v1/calls/{callId}",
    operationId: "getCall",
    summary: "One call with its events",
    description: "The events are the call's append-only record, in order.",
    tag: "Calls",
    scopes: ["calls:read"],
    parameters: [{ name: "callId", in: "path", required: true, schema: { type: "string", format: "uuid" } }, tenantParam],
    responses: { "200": ["The call", dataOf(ref("CallDetail"))] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/queues",
    operationId: "listQueues",
    summary: "The tenant's queues with their settings and live figures",
    description: "By name. Live figures: contacts waiting, the longest wait, agents by state and today's service level.",
    tag: "Queues",
    scopes: ["queues:read"],
    parameters: [tenantParam],
    responses: { "200": ["The queues", dataOf({ type: "array", items: ref("Queue") })] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/queues/{queueId}",
    operationId: "getQueue",
    summary: "One queue with its settings and live figures",
    tag: "Queues",
    scopes: ["queues:read"],
    parameters: [{ name: "queueId", in: "path", required: true, schema: { type: "string", format: "uuid" } }, tenantParam],
    responses: { "200": ["The queue", dataOf(ref("Queue"))] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/agent-states",
    operationId: "listAgentStates",
    summary: "Agents' live states",
    description:
      "A tenant key (or a bureau key naming a tenant) gets the agents serving that tenant's queues, by display name, with their state and time in it; neither break reasons nor other companies appear. A bureau key without a tenant gets every agent of the floor with break reasons and the company of the current contact.",
    tag: "Agents",
    scopes: ["agents:read"],
    parameters: [{ ...tenantParam, description: "Bureau keys: a tenant's slug for that tenant's view, or omit it for the whole floor. Tenant keys: omit it, or give the key's own tenant." }],
    responses: { "200": ["The agents, by name", dataOf({ type: "array", items: ref("AgentState") })] },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/interactions",
    operationId: "listInteractions",
    summary: "The tenant's interactions, newest first",
    description:
      "Filtered by state, queue and start time; a page holds up to `limit` interactions and `nextCursor` continues after its last one. A date bound (2026-03-21) is a day in the tenant's time zone and `to` includes that day; a date-time bound needs its offset, `from` is inclusive and `to` exclusive.",
    tag: "Interactions",
    scopes: ["interactions:read"],
    parameters: [
      tenantParam,
      { name: "state", in: "query", required: false, schema: { type: "string", enum: [...API_INTERACTION_STATES] } },
      { name: "queueId", in: "query", required: false, schema: { type: "string", format: "uuid" } },
      { name: "from", in: "query", required: false, description: "Started at or after: a date or a date-time with offset.", schema: { type: "string", examples: ["2026-03-21", "2026-03-21T08:00:00+03:30"] } },
      { name: "to", in: "query", required: false, description: "Started before: a date (inclusive of that day) or a date-time with offset (exclusive).", schema: { type: "string" } },
      { name: "cursor", in: "query", required: false, description: "The nextCursor of the previous page.", schema: { type: "string" } },
      { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: INTERACTIONS_PAGE_MAX, default: INTERACTIONS_PAGE_DEFAULT } },
    ],
    responses: { "200": ["One page of interactions", ref("InteractionPage")] },
    errors: [400, 404, 422],
  },
  {
    method: "get",
    path: "/api/v1/interactions/{interactionId}",
    operationId: "getInteraction",
    summary: "One interaction with its events, notes and disposition",
    tag: "Interactions",
    scopes: ["interactions:read"],
    parameters: [interactionIdParam, tenantParam],
    responses: { "200": ["The interaction", dataOf(ref("InteractionDetail"))] },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/interactions/{interactionId}/notes",
    operationId: "addInteractionNote",
    summary: "Add a note to an interaction",
    description: "The note's author is the key ('api-key <prefix>'); the interaction's events get a 'note.added'.",
    tag: "Interactions",
    scopes: ["interactions:write"],
    parameters: [interactionIdParam, tenantParam],
    requestSchema: "NoteCreate",
    responses: { "201": ["The new note", dataOf(ref("InteractionNote"))] },
    errors: [400, 404, 422],
  },
  {
    method: "put",
    path: "/api/v1/interactions/{interactionId}/disposition",
    operationId: "setInteractionDisposition",
    summary: "Set or correct an interaction's disposition",
    description: `For back-office corrections on an interaction in ${DISPOSABLE_STATES.join(" or ")} (409 otherwise): records a 'disposition.set' event and an audit entry. A disposition that is not an active outcome of this tenant answers 422 naming dispositionId. Repeating the same request changes nothing. While the interaction is in wrap-up, the agent's own disposition when closing the wrap-up is recorded after this one.`,
    tag: "Interactions",
    scopes: ["interactions:write"],
    parameters: [interactionIdParam, tenantParam],
    requestSchema: "DispositionSet",
    responses: { "200": ["The interaction as it now stands", dataOf(ref("InteractionDetail"))] },
    errors: [400, 404, 409, 422],
  },
  {
    method: "get",
    path: "/api/v1/usage",
    operationId: "getUsage",
    summary: "Usage of a billing period, with the projected invoice",
    description:
      "Metered usage per kind and per local day for a month (the running one by default, to date), in the bureau's billing calendar unless 'calendar' is given. For the running period, the invoice if it ended now and at the pace so far; for a past period, as it rates. Quantities are in each kind's unit (seconds for minute kinds).",
    tag: "Billing",
    scopes: ["billing:read"],
    parameters: [
      tenantParam,
      { name: "period", in: "query", required: false, description: "YYYY-MM in the calendar", schema: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}$" } },
      { name: "calendar", in: "query", required: false, schema: { type: "string", enum: ["gregorian", "jalali"] } },
    ],
    responses: { "200": ["The usage summary", dataOf(ref("UsageSummary"))] },
    errors: [400, 404, 422],
  },
  {
    method: "get",
    path: "/api/v1/invoices",
    operationId: "listInvoices",
    summary: "The tenant's invoices and credit notes",
    description: "Newest period first. Tenant keys see finalized documents only; bureau keys also drafts.",
    tag: "Billing",
    scopes: ["billing:read"],
    parameters: [
      tenantParam,
      { name: "status", in: "query", required: false, schema: { type: "string", enum: ["draft", "finalized", "sent", "paid", "void"] } },
      { name: "period", in: "query", required: false, schema: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}$" } },
    ],
    responses: { "200": ["The invoices", dataOf({ type: "array", items: ref("InvoiceSummary") })] },
    errors: [400, 404, 422],
  },
  {
    method: "get",
    path: "/api/v1/invoices/{invoiceId}",
    operationId: "getInvoice",
    summary: "One invoice with its lines and payments",
    tag: "Billing",
    scopes: ["billing:read"],
    parameters: [{ name: "invoiceId", in: "path", required: true, schema: { type: "string", format: "uuid" } }, tenantParam],
    responses: { "200": ["The invoice", dataOf(ref("Invoice"))] },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/wfm/staffing",
    operationId: "calculateStaffing",
    summary: "Agents needed for one interval (Erlang C, or Erlang A with patience)",
    description:
      "Bureau or tenant keys. Agents required for the service-level target and occupancy cap, the heads to schedule after shrinkage, and the resulting service level, ASA, occupancy, probability of waiting and (with patienceSeconds) abandonment rate. A bad field (zero AHT, negative volume, a target outside 0-1, an unknown field) answers 400 with details naming it.",
    tag: "Workforce",
    scopes: ["wfm:read"],
    requestSchema: "StaffingInput",
    responses: { "200": ["The staffing", dataOf(ref("StaffingResult"))] },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/wfm/forecast",
    operationId: "getForecast",
    summary: "A queue's forecast per interval",
    description: "Tenant keys: a queue of their own by id or key. Bureau keys: a queue by id, or by key with ?tenant=<slug>. Adjusted and statistical figures, and the backtest of the model.",
    tag: "Workforce",
    scopes: ["wfm:read"],
    parameters: [
      { name: "queue", in: "query", required: true, description: "Queue id or key", schema: { type: "string" } },
      tenantParam,
      { name: "week", in: "query", required: false, description: "Any day of the first week (YYYY-MM-DD); default this week", schema: { type: "string", format: "date" } },
      { name: "weeks", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 6, default: 1 } },
    ],
    responses: { "200": ["The forecast", dataOf(ref("WfmForecast"))] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/wfm/requirements",
    operationId: "getRequirements",
    summary: "Agents required per queue and interval for a week",
    description: "From the stored forecast, Erlang C/A per queue, pooled across queues that share agents (ADR 0008), shrinkage and the occupancy cap. Tenant keys get their own queues only.",
    tag: "Workforce",
    scopes: ["wfm:read"],
    parameters: [{ name: "week", in: "query", required: false, description: "Any day of the week (YYYY-MM-DD); default this week", schema: { type: "string", format: "date" } }],
    responses: { "200": ["The requirements", dataOf(ref("WfmRequirements"))] },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/wfm/roster",
    operationId: "getPublishedRoster",
    summary: "The week's published roster, per agent",
    description: "Bureau keys only (rosters name agents). Filter with ?agent=<id or employee code>. 404 when the week has no published roster.",
    tag: "Workforce",
    scopes: ["wfm:read"],
    parameters: [
      { name: "week", in: "query", required: false, description: "Any day of the week (YYYY-MM-DD); default this week", schema: { type: "string", format: "date" } },
      { name: "agent", in: "query", required: false, schema: { type: "string" } },
    ],
    responses: { "200": ["The roster", dataOf(ref("WfmRoster"))] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/wfm/agents/{agentId}/schedule.ics",
    operationId: "getAgentScheduleIcal",
    summary: "An agent's published shifts as iCalendar",
    description: "Bureau keys only. text/calendar (RFC 5545): one event per shift, UTC times, a stable UID per shift, breaks in the description; from four weeks back on.",
    tag: "Workforce",
    scopes: ["wfm:read"],
    parameters: [{ name: "agentId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
    responses: { "200": ["text/calendar", null] },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document",
    tag: "Meta",
    scopes: [],
    responses: { "200": ["OpenAPI 3.1 document", { type: "object" }] },
  },
];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Bad request (e.g. the wrong kind of key, a missing tenant parameter, malformed JSON)",
  401: "Missing, unknown or revoked API key",
  403: "The key lacks the scope, or may not reach this tenant",
  404: "No such tenant or object",
  409: "Conflicts with an existing object or with the object's state",
  422: "The body failed validation; details name each field",
};

export function buildOpenApiDocument(opts: { serverUrl?: string; version?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {};
    for (const [status, [description, schema]] of Object.entries(op.responses)) {
      responses[status] = schema ? { description, content: { "application/json": { schema } } } : { description };
    }
    const errorStatuses = [...(op.scopes.length ? [401, 403] : []), ...(op.errors ?? [])].sort((a, b) => a - b);
    for (const status of errorStatuses) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ref("Error") } },
      };
    }
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: op.scopes.length ? [{ bearerAuth: op.scopes }] : [],
      ...(op.scopes.length ? { "x-required-scopes": op.scopes } : {}),
      ...(op.parameters?.length ? { parameters: op.parameters } : {}),
      ...(op.requestSchema
        ? { requestBody: { required: !op.requestOptional, content: { "application/json": { schema: ref(op.requestSchema) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hamkal API",
      version: opts.version ?? "1.0.0",
      description:
        "REST API of the Hamkal contact-center platform. Authenticate with an API key: tenant keys (hkt_…) reach their own tenant, bureau keys (hkb_…) the whole bureau.",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "API key (hkt_… or hkb_…)" },
      },
      schemas: SCHEMAS,
    },
  };
}
