import { createInstance, type i18n } from "i18next";
import { i18nOptions, type Language } from "../../i18n/config";
import { loadResourcesFromDisk } from "../../i18n/resources.node.server";
import type { BillingT } from "./format";

/**
 * A synchronous t() of the billing namespace for code outside a request: the PDF is printed in the
 * workers (after the close) as well as in the web process, and benchmarks and scripts run under tsx,
 * where Vite's import.meta.glob (resources.ts) does not exist. So the locales are read from disk, as
 * disk-t.server.ts does; with the resources in memory and initImmediate off, init has finished when
 * it returns, which is what lets renderInvoiceHtml stay synchronous.
 */
const KEY = Symbol.for("hamkal.billingI18n");
type Holder = { [KEY]?: i18n };

function instance(): i18n {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const created = createInstance();
    void created.init({ ...i18nOptions, resources: loadResourcesFromDisk(), initImmediate: false });
    holder[KEY] = created;
  }
  return holder[KEY];
}

export function billingT(lang: Language): BillingT {
  const fixed = instance().getFixedT(lang, "billing");
  return (key, options) => String(fixed(key, options as never));
}
