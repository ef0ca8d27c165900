import { createVisgate } from "@visgate_ai/ai-sdk-provider"

const visgate = createVisgate({ proxyUrl: "/api/visgate" })
