import { visgate } from "@visgate_ai/ai-sdk-provider"
