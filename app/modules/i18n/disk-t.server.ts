import { createInstance, type i18n, type TFunction } from "i18next";
import { i18nOptions, type Language } from "./config";
import { loadResourcesFromDisk } from "./resources.node.server";

/**
 * Translations for code that runs outside the Vite build as well as inside it (the routing timer in
 * the workers, benchmarks, scripts under tsx): one i18next instance fed from locales/ on disk (ADR 0003).
 */
const KEY = Symbol.for("hamkal.diskI18n");
type Holder = { [KEY]?: Promise<i18n> };

function diskI18n(): Promise<i18n> {
  const holder = globalThis as Holder;
  holder[KEY] ??= (async () => {
    const instance = createInstance();
    await instance.init({ ...i18nOptions, resources: loadResourcesFromDisk(), initImmediate: false });
    return instance;
  })();
  return holder[KEY];
}

export async function diskT(lang: Language, ns: string): Promise<TFunction> {
  return (await diskI18n()).getFixedT(lang, ns);
}
