// GET/POST/PUT /api/inngest — the Inngest serve endpoint, driven by the engine (or Inngest Cloud) over signed HTTP.
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
