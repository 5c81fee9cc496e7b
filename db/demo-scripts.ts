import type { Kysely } from "kysely";
import { recordAudit } from "../app/modules/auth/audit.server";
import { queueOptions } from "../app/modules/queues/directory.server";
import { scriptDefinitionSchema, type ScriptDefinitionInput } from "../app/modules/scripts/model";
import type { DB } from "./types";

/**
 * The demo tenants' agent scripts (the seed stores them): one script per demo queue, in Persian and
 * English, each with a published version 1; one script per tenant also has a draft (version 2) with
 * changes pending. Validated against fa + en they report no issues at all (a unit test checks it).
 * Every name, number and code here is fictional.
 */
export interface DemoScript {
  /** tenant slug */
  tenant: string;
  /** the queue's key (queues are looked up by tenant and key) */
  queue: string;
  name: string;
  published: ScriptDefinitionInput;
  draft?: ScriptDefinitionInput;
}

type Line = NonNullable<ScriptDefinitionInput["opening"]>[number];

const tx = (fa: string, en: string) => ({ fa, en });
const say = (fa: string, en: string): Line => ({ kind: "say", text: tx(fa, en) });
const act = (fa: string, en: string): Line => ({ kind: "do", text: tx(fa, en) });
const option = (value: string, fa: string, en: string) => ({ value, label: tx(fa, en) });

const greeting = (fa: string, en: string): Line[] => [
  say(`سلام، وقت بخیر. ${fa}، {{agentName}} هستم. بفرمایید.`, `Good day, ${en}, this is {{agentName}}. How can I help you?`),
  say("لطفاً نام و نام خانوادگی خود را بفرمایید.", "May I have your full name, please?"),
];

const closing = (fa: string, en: string): Line[] => [
  say("موضوع دیگری هست که بتوانم کمکتان کنم؟", "Is there anything else I can help you with?"),
  say(`{{customerName}} عزیز، از تماس شما با ${fa} سپاسگزاریم. روز خوبی داشته باشید.`, `Thank you for calling ${en}, {{customerName}}. Have a good day.`),
  act("علت و نتیجهٔ تماس را انتخاب و یادداشتی کوتاه ثبت کنید.", "Choose the reason and disposition and add a short note."),
];

const withDraft = (published: ScriptDefinitionInput, change: (copy: Required<ScriptDefinitionInput>) => void): ScriptDefinitionInput => {
  const copy = structuredClone(published) as Required<ScriptDefinitionInput>;
  change(copy);
  return copy;
};

// ---------------------------------------------------------------------------------------------
// آوای همراه (avaye-hamrah): mobile value-added services.

const hamrahOpening = [
  ...greeting("آوای همراه", "Avaye Hamrah"),
  act("شمارهٔ همراه تماس‌گیرنده را با پروندهٔ مشترک تطبیق دهید.", "Match the caller's mobile number against the subscriber record."),
];
const hamrahClosing = closing("{{tenantName}}", "{{tenantName}}");

const hamrahGeneral: ScriptDefinitionInput = {
  opening: hamrahOpening,
  body: [
    {
      id: "topic",
      prompt: tx("تماستان دربارهٔ کدام موضوع است؟", "What is your call about?"),
      question: {
        kind: "choice",
        options: [
          option("packages", "بسته‌های اینترنت", "Internet packages"),
          option("balance", "موجودی و شارژ", "Balance and top-up"),
          option("vas", "سرویس‌های ارزش افزوده", "Value-added services"),
          option("other", "سایر موارد", "Something else"),
        ],
      },
      branches: [
        { answer: "packages", next: "packages" },
        { answer: "balance", next: "balance" },
        { answer: "vas", next: "vas-unwanted" },
        { answer: "other", next: "request" },
      ],
    },
    {
      id: "packages",
      prompt: tx(
        "بسته‌های روزانه، هفتگی و ماهانه را می‌توانید با شمارهٔ ستاره ۵۵۵ مربع یا در اپلیکیشن آوای من بخرید.",
        "Daily, weekly and monthly packages can be bought by dialling *555# or in the My Avaye app.",
      ),
      hint: tx("بستهٔ متناسب با مصرف سه ماه گذشته را پیشنهاد دهید.", "Suggest the package that fits the last three months' usage."),
      next: "closing",
    },
    {
      id: "balance",
      prompt: tx("موجودی فعلی و تاریخ انقضای شارژ را اعلام کنید.", "Tell the customer the current balance and when the credit expires."),
      hint: tx("موجودی را از سامانهٔ مشترکین بخوانید؛ هرگز رمز یا کد تأیید نپرسید.", "Read the balance in the subscriber system; never ask for a PIN or a verification code."),
      next: "closing",
    },
    {
      id: "vas-unwanted",
      prompt: tx("آیا سرویسی بدون درخواست شما فعال شده است؟", "Was a service activated without your request?"),
      question: { kind: "yesNo" },
      branches: [
        { answer: "yes", next: "transfer-complaints" },
        { answer: "no", next: "vas-info" },
      ],
    },
    {
      id: "vas-info",
      prompt: tx("فهرست سرویس‌های فعال را بخوانید و روش لغو هر کدام را توضیح دهید.", "Read out the active services and explain how to cancel each one."),
      next: "closing",
    },
    {
      id: "transfer-complaints",
      prompt: tx("برای پیگیری، تماس شما را به واحد شکایات وصل می‌کنم.", "I will connect you to our complaints team to follow this up."),
      hint: tx("تماس را به صف شکایات منتقل کنید.", "Transfer the call to the complaints queue."),
      next: "closing",
    },
    {
      id: "request",
      prompt: tx("لطفاً درخواست خود را بفرمایید.", "Please tell me what you need."),
      question: { kind: "text" },
    },
  ],
  closing: hamrahClosing,
};

const hamrahSupport: ScriptDefinitionInput = {
  opening: hamrahOpening,
  body: [
    {
      id: "problem",
      prompt: tx("مشکل فنی شما کدام است؟", "Which technical problem are you having?"),
      question: {
        kind: "choice",
        options: [option("no-signal", "آنتن ندارم", "No signal"), option("slow-internet", "اینترنت کند است", "Slow internet"), option("sms", "پیامک ارسال نمی‌شود", "Text messages do not send")],
      },
      branches: [
        { answer: "no-signal", next: "outage" },
        { answer: "slow-internet", next: "apn" },
        { answer: "sms", next: "sms-center" },
      ],
    },
    {
      id: "outage",
      prompt: tx("در منطقهٔ شما اختلالی ثبت شده است؟", "Is there a reported outage in the customer's area?"),
      hint: tx("نقشهٔ اختلال شبکه را برای محلهٔ مشتری بررسی کنید.", "Check the network outage map for the customer's neighbourhood."),
      question: { kind: "yesNo" },
      branches: [
        { answer: "yes", next: "outage-inform" },
        { answer: "no", next: "restart" },
      ],
    },
    {
      id: "outage-inform",
      prompt: tx("در منطقهٔ شما اختلال موقت وجود دارد و همکاران فنی در حال رفع آن هستند. پس از رفع، پیامک اطلاع‌رسانی دریافت می‌کنید.", "There is a temporary outage in your area and our engineers are working on it. You will get a text message once it is fixed."),
      next: "closing",
    },
    {
      id: "apn",
      prompt: tx("لطفاً در تنظیمات گوشی، نام نقطهٔ دسترسی (APN) را روی avaye.net بگذارید.", "Please set the access point name (APN) on the phone to avaye.net."),
      next: "restart",
    },
    {
      id: "sms-center",
      prompt: tx("شمارهٔ مرکز پیام گوشی را بررسی کنیم؛ باید ‎+98 935 000 0000 باشد.", "Let us check the message centre number on the phone; it should be +98 935 000 0000."),
      next: "restart",
    },
    {
      id: "restart",
      prompt: tx("لطفاً گوشی را یک بار خاموش و روشن کنید. مشکل برطرف شد؟", "Please switch the phone off and on again. Is the problem solved?"),
      question: { kind: "yesNo" },
      branches: [
        { answer: "yes", next: "closing" },
        { answer: "no", next: "ticket" },
      ],
    },
    {
      id: "ticket",
      prompt: tx("برای بررسی دقیق‌تر، درخواست فنی ثبت می‌کنم و شمارهٔ پیگیری برایتان پیامک می‌شود.", "I will open a technical ticket for a closer look; the tracking number will be sent to you by text message."),
      hint: tx("درخواست را با مدل گوشی و محل مشتری ثبت کنید.", "Open the ticket with the phone model and the customer's location."),
    },
  ],
  closing: hamrahClosing,
};

const hamrahComplaints: ScriptDefinitionInput = {
  opening: [
    ...hamrahOpening,
    say("متأسفم که مشکلی پیش آمده؛ با دقت گوش می‌دهم تا پیگیری کنم.", "I am sorry something went wrong; I am listening carefully so I can follow it up."),
  ],
  body: [
    {
      id: "category",
      prompt: tx("شکایت شما دربارهٔ کدام مورد است؟", "What is your complaint about?"),
      question: {
        kind: "choice",
        options: [
          option("billing", "کسر هزینه یا صورتحساب", "A charge or the bill"),
          option("vas", "سرویس ناخواسته", "An unwanted service"),
          option("quality", "کیفیت خدمات", "Service quality"),
        ],
      },
      branches: [
        { answer: "billing", next: "amount" },
        { answer: "vas", next: "deactivate" },
        { answer: "quality", next: "details" },
      ],
    },
    {
      id: "amount",
      prompt: tx("مبلغ مورد اعتراض چند تومان است؟", "How much is the disputed amount, in toman?"),
      question: { kind: "number", min: 0 },
      branches: [{ min: 500000, next: "supervisor" }],
      next: "refund",
    },
    {
      id: "deactivate",
      prompt: tx("سرویس را همین حالا غیرفعال کردم و دیگر هزینه‌ای از شما کسر نمی‌شود.", "I have deactivated the service now; you will not be charged for it again."),
      hint: tx("سرویس را در سامانهٔ ارزش افزوده غیرفعال کنید.", "Deactivate the service in the value-added services system."),
      next: "refund",
    },
    {
      id: "refund",
      prompt: tx("درخواست بازپرداخت ثبت شد؛ نتیجه ظرف ۷۲ ساعت کاری پیامک می‌شود.", "Your refund request is registered; you will get the outcome by text message within 72 working hours."),
      next: "closing",
    },
    {
      id: "supervisor",
      prompt: tx("برای این مبلغ، سرپرست تیم پرونده را بررسی می‌کند و تا پایان روز کاری با شما تماس می‌گیرد.", "For this amount a team leader reviews the case and will call you back by the end of the working day."),
      hint: tx("پرونده را به سرپرست تیم ارجاع دهید و تماس برگشتی ثبت کنید.", "Escalate the case to a team leader and schedule a callback."),
      next: "closing",
    },
    {
      id: "details",
      prompt: tx("لطفاً زمان و محل مشکل را دقیق بفرمایید.", "Please tell me exactly when and where the problem happens."),
      question: { kind: "text" },
    },
  ],
  closing: hamrahClosing,
};

// ---------------------------------------------------------------------------------------------
// بازارچه (bazarche): classifieds.

const bazarcheOpening = [
  ...greeting("بازارچه", "Bazarche"),
  act("شمارهٔ تماس‌گیرنده را در حساب کاربری بازارچه جست‌وجو کنید.", "Look up the caller's number in the Bazarche accounts."),
];
const bazarcheClosing = closing("{{tenantName}}", "{{tenantName}}");

const bazarcheAds: ScriptDefinitionInput = {
  opening: bazarcheOpening,
  body: [
    {
      id: "ad-code",
      prompt: tx("لطفاً کد آگهی را بفرمایید؛ زیر عنوان آگهی نوشته شده است.", "Please read me the ad code; it is shown under the ad's title."),
      question: { kind: "text" },
    },
    {
      id: "ad-problem",
      prompt: tx("چه مشکلی با آگهی دارید؟", "What is the problem with the ad?"),
      question: {
        kind: "choice",
        options: [
          option("rejected", "آگهی رد شده", "The ad was rejected"),
          option("not-showing", "آگهی نمایش داده نمی‌شود", "The ad does not show"),
          option("edit", "ویرایش یا حذف آگهی", "Editing or deleting the ad"),
        ],
      },
      branches: [
        { answer: "rejected", next: "rejection-reason" },
        { answer: "not-showing", next: "review-time" },
        { answer: "edit", next: "self-service" },
      ],
    },
    {
      id: "rejection-reason",
      prompt: tx("علت رد آگهی را برایتان می‌خوانم و توضیح می‌دهم چطور اصلاحش کنید.", "I will read you why the ad was rejected and explain how to fix it."),
      hint: tx("علت رد را در پنل بررسی آگهی ببینید؛ قانون مربوط را به زبان ساده بگویید.", "See the rejection reason in the ad review panel; explain the rule in plain words."),
      next: "resubmit",
    },
    {
      id: "resubmit",
      prompt: tx("پس از اصلاح، آگهی را دوباره ثبت کنید. می‌خواهید همین حالا با هم انجامش دهیم؟", "After fixing it, submit the ad again. Shall we do it together now?"),
      question: { kind: "yesNo" },
      next: "closing",
    },
    {
      id: "review-time",
      prompt: tx("آگهی‌ها حداکثر ظرف دو ساعت بررسی و منتشر می‌شوند. آگهی شما بیش از دو ساعت است در انتظار مانده؟", "Ads are reviewed and published within two hours. Has your ad been waiting longer than that?"),
      question: { kind: "yesNo" },
      branches: [{ answer: "yes", next: "expedite" }],
      next: "closing",
    },
    {
      id: "expedite",
      prompt: tx("درخواست بررسی فوری ثبت شد؛ نتیجه از طریق اعلان برنامه به شما می‌رسد.", "I have asked for an urgent review; you will get the result as an app notification."),
      hint: tx("آگهی را در صف بررسی فوری بگذارید.", "Put the ad in the urgent review queue."),
      next: "closing",
    },
    {
      id: "self-service",
      prompt: tx("در برنامه، بخش «آگهی‌های من» را باز کنید، آگهی را انتخاب و گزینهٔ ویرایش یا حذف را بزنید.", "In the app, open My ads, choose the ad and tap Edit or Delete."),
      next: "closing",
    },
  ],
  closing: bazarcheClosing,
};

const bazarcheFraud: ScriptDefinitionInput = {
  opening: [
    ...bazarcheOpening,
    say("برای امنیت شما: بازارچه هرگز کد تأیید یا اطلاعات کارت شما را نمی‌خواهد.", "For your safety: Bazarche never asks for your verification code or card details."),
  ],
  body: [
    {
      id: "paid",
      prompt: tx("آیا مبلغی به فروشنده یا خریدار پرداخت کرده‌اید؟", "Have you paid any money to the seller or buyer?"),
      question: { kind: "yesNo" },
      branches: [
        { answer: "yes", next: "amount" },
        { answer: "no", next: "report-ad" },
      ],
    },
    {
      id: "amount",
      prompt: tx("چه مبلغی پرداخت کرده‌اید (به تومان)؟", "How much did you pay, in toman?"),
      question: { kind: "number", min: 0 },
    },
    {
      id: "police",
      prompt: tx("لطفاً موضوع را در سامانهٔ پلیس فتا گزارش کنید؛ ما هم اطلاعات آگهی را برای پیگیری نگه می‌داریم.", "Please report it to the cyber police as well; we keep the ad's details for the investigation."),
      next: "report-ad",
    },
    {
      id: "report-ad",
      prompt: tx("کد آگهی یا شمارهٔ طرف مقابل را بفرمایید.", "Please give me the ad code or the other party's number."),
      question: { kind: "text" },
    },
    {
      id: "block",
      prompt: tx("آگهی و حساب مشکوک را برای بررسی مسدود کردیم. از گزارش شما سپاسگزاریم.", "We have blocked the suspicious ad and account for review. Thank you for reporting it."),
      hint: tx("آگهی را علامت‌گذاری و کاربر را موقتاً مسدود کنید.", "Flag the ad and suspend the user temporarily."),
    },
  ],
  closing: bazarcheClosing,
};

const bazarcheSellers: ScriptDefinitionInput = {
  opening: bazarcheOpening,
  body: [
    {
      id: "seller-topic",
      prompt: tx("پرسش شما دربارهٔ کدام موضوع حساب فروشندگی است؟", "Which part of your seller account is your question about?"),
      question: {
        kind: "choice",
        options: [option("plans", "طرح‌ها و قیمت‌ها", "Plans and prices"), option("invoice", "فاکتور و پرداخت", "Invoices and payment"), option("verify", "احراز هویت فروشگاه", "Shop verification")],
      },
      branches: [
        { answer: "plans", next: "plans" },
        { answer: "invoice", next: "invoice" },
        { answer: "verify", next: "verify" },
      ],
    },
    {
      id: "plans",
      prompt: tx("چند آگهی در ماه منتشر می‌کنید؟", "How many ads do you post a month?"),
      question: { kind: "number", min: 0, max: 10000 },
      branches: [{ max: 30, next: "plan-basic" }],
      next: "plan-pro",
    },
    {
      id: "plan-basic",
      prompt: tx("طرح پایه برای شما کافی است: تا ۳۰ آگهی در ماه با نشان فروشگاه.", "The basic plan is enough for you: up to 30 ads a month with the shop badge."),
      next: "closing",
    },
    {
      id: "plan-pro",
      prompt: tx("طرح حرفه‌ای را پیشنهاد می‌کنم: آگهی نامحدود، آمار بازدید و پشتیبانی اختصاصی.", "I recommend the professional plan: unlimited ads, view statistics and a dedicated contact."),
      next: "closing",
    },
    {
      id: "invoice",
      prompt: tx("فاکتورها در بخش «حساب فروشگاه» قابل دریافت است. کدام فاکتور را لازم دارید؟", "Invoices can be downloaded under Shop account. Which invoice do you need?"),
      question: { kind: "text" },
      next: "closing",
    },
    {
      id: "verify",
      prompt: tx("برای احراز هویت، تصویر جواز کسب و کارت ملی مدیر فروشگاه را در برنامه بارگذاری کنید؛ بررسی یک روز کاری طول می‌کشد.", "To verify the shop, upload the business licence and the manager's national ID card in the app; the review takes one working day."),
      next: "closing",
    },
  ],
  closing: bazarcheClosing,
};

// ---------------------------------------------------------------------------------------------
// اپستان (appestan): app store.

const appestanOpening = [
  ...greeting("اپستان", "Appestan"),
  act("حساب اپستان را با شماره یا ایمیل تماس‌گیرنده پیدا کنید.", "Find the Appestan account by the caller's number or e-mail address."),
];
const appestanClosing = closing("{{tenantName}}", "{{tenantName}}");

const appestanPayments: ScriptDefinitionInput = {
  opening: appestanOpening,
  body: [
    {
      id: "payment-issue",
      prompt: tx("مشکل پرداخت شما کدام است؟", "What went wrong with your payment?"),
      question: {
        kind: "choice",
        options: [
          option("charged", "پول کسر شد ولی خرید انجام نشد", "I was charged but the purchase failed"),
          option("not-active", "خرید انجام شد ولی فعال نشد", "The purchase went through but is not active"),
          option("gateway", "درگاه پرداخت باز نمی‌شود", "The payment page does not open"),
        ],
      },
      branches: [
        { answer: "charged", next: "tracking" },
        { answer: "not-active", next: "restore" },
        { answer: "gateway", next: "gateway" },
      ],
    },
    {
      id: "tracking",
      prompt: tx("لطفاً شمارهٔ پیگیری بانکی را بفرمایید.", "Please read me the bank's tracking number."),
      question: { kind: "text" },
    },
    {
      id: "wait-72",
      prompt: tx("مبلغ حداکثر ظرف ۷۲ ساعت از طرف بانک به حساب شما برمی‌گردد. اگر برنگشت، با همین شمارهٔ پیگیری تماس بگیرید.", "The bank returns the amount to your account within 72 hours. If it does not, call us with the same tracking number."),
      next: "closing",
    },
    {
      id: "restore",
      prompt: tx("در برنامه از منوی «خریدهای من» گزینهٔ «بازیابی خرید» را بزنید. فعال شد؟", "In the app, open My purchases and tap Restore purchases. Is it active now?"),
      question: { kind: "yesNo" },
      branches: [
        { answer: "yes", next: "closing" },
        { answer: "no", next: "ticket" },
      ],
    },
    {
      id: "gateway",
      prompt: tx("لطفاً فیلترشکن یا VPN را خاموش کنید و دوباره امتحان کنید؛ درگاه فقط با اینترنت داخلی باز می‌شود.", "Please turn off any VPN and try again; the payment page opens only on a domestic connection."),
      next: "closing",
    },
    {
      id: "ticket",
      prompt: tx("درخواست پشتیبانی ثبت کردم؛ ظرف ۲۴ ساعت خرید شما فعال می‌شود یا با شما تماس می‌گیریم.", "I have opened a support ticket; within 24 hours your purchase is activated or we call you back."),
      hint: tx("کد سفارش و نام برنامه را در درخواست بنویسید.", "Put the order code and the app's name in the ticket."),
    },
  ],
  closing: appestanClosing,
};

const appestanRefunds: ScriptDefinitionInput = {
  opening: appestanOpening,
  body: [
    {
      id: "app-name",
      prompt: tx("بازپرداخت کدام برنامه یا اشتراک را می‌خواهید؟", "Which app or subscription would you like a refund for?"),
      question: { kind: "text" },
    },
    {
      id: "days",
      prompt: tx("چند روز از خرید گذشته است؟", "How many days ago did you buy it?"),
      question: { kind: "number", min: 0, max: 3650 },
      branches: [{ max: 14, next: "refund-method" }],
      next: "not-eligible",
    },
    {
      id: "refund-method",
      prompt: tx("مبلغ را به کیف پول اپستان برگردانیم یا به کارت بانکی؟", "Shall we refund the amount to your Appestan wallet or to your bank card?"),
      question: { kind: "choice", options: [option("wallet", "کیف پول اپستان (فوری)", "Appestan wallet (instant)"), option("card", "کارت بانکی (تا ۵ روز کاری)", "Bank card (up to 5 working days)")] },
    },
    {
      id: "refund-done",
      prompt: tx("درخواست بازپرداخت ثبت شد و نتیجه پیامک می‌شود.", "The refund is requested; you will get the outcome by text message."),
      hint: tx("اشتراک را لغو و بازپرداخت را در پنل سفارش‌ها ثبت کنید.", "Cancel the subscription and record the refund in the orders panel."),
      next: "closing",
    },
    {
      id: "not-eligible",
      prompt: tx("طبق قوانین اپستان، بازپرداخت تا ۱۴ روز پس از خرید ممکن است. می‌توانم اشتراک را لغو کنم تا دوباره تمدید نشود.", "Under Appestan's terms a refund is possible up to 14 days after purchase. I can cancel the subscription so it does not renew."),
      next: "closing",
    },
  ],
  closing: appestanClosing,
};

const appestanDevelopers: ScriptDefinitionInput = {
  opening: [
    ...greeting("پشتیبانی توسعه‌دهندگان اپستان", "Appestan developer support"),
    act("حساب توسعه‌دهنده را با ایمیل یا نام بسته پیدا کنید.", "Find the developer account by e-mail address or package name."),
  ],
  body: [
    {
      id: "dev-topic",
      prompt: tx("پرسش شما دربارهٔ کدام موضوع است؟", "What is your question about?"),
      question: {
        kind: "choice",
        options: [option("review", "بررسی و انتشار برنامه", "App review and release"), option("payout", "تسویه درآمد", "Payouts"), option("api", "واسط برنامه‌نویسی پرداخت", "The in-app payment API")],
      },
      branches: [
        { answer: "review", next: "review-status" },
        { answer: "payout", next: "payout" },
        { answer: "api", next: "api-docs" },
      ],
    },
    {
      id: "review-status",
      prompt: tx("وضعیت بررسی نسخهٔ شما را می‌بینم. نسخه رد شده است؟", "Let me check your release's review status. Was the release rejected?"),
      question: { kind: "yesNo" },
      branches: [{ answer: "yes", next: "review-reason" }],
      next: "review-wait",
    },
    {
      id: "review-reason",
      prompt: tx("علت رد را برایتان می‌خوانم؛ پس از اصلاح، نسخهٔ تازه را بارگذاری کنید.", "I will read you the rejection reason; upload a new release once it is fixed."),
      next: "closing",
    },
    {
      id: "review-wait",
      prompt: tx("بررسی نسخه‌ها حداکثر دو روز کاری طول می‌کشد؛ نتیجه به ایمیل شما می‌رسد.", "Reviews take at most two working days; the result is sent to your e-mail address."),
      next: "closing",
    },
    {
      id: "payout",
      prompt: tx("تسویه‌ها هر ماه در پنجم ماه به شبای ثبت‌شده واریز می‌شود. شبای حساب تأیید شده است؟", "Payouts are made on the 5th of each month to the registered IBAN. Is your IBAN verified?"),
      question: { kind: "yesNo" },
      branches: [{ answer: "no", next: "verify-iban" }],
      next: "closing",
    },
    {
      id: "verify-iban",
      prompt: tx("در پنل توسعه‌دهنده، بخش «مالی»، شبای به نام صاحب حساب را ثبت کنید تا تأیید شود.", "In the developer console, under Finance, register an IBAN in the account holder's name to have it verified."),
      next: "closing",
    },
    {
      id: "api-docs",
      prompt: tx("راهنمای کامل واسط پرداخت در بخش مستندات پنل توسعه‌دهنده است؛ لینک آن را برایتان ایمیل می‌کنم.", "The full payment API guide is in the developer console's documentation; I will e-mail you the link."),
      hint: tx("برای پرسش‌های فنی عمیق، درخواست را به تیم فنی ارجاع دهید.", "For in-depth technical questions, refer the request to the technical team."),
      next: "closing",
    },
  ],
  closing: appestanClosing,
};

export const DEMO_SCRIPTS: DemoScript[] = [
  {
    tenant: "avaye-hamrah",
    queue: "general",
    name: "اسکریپت تماس‌های عمومی",
    published: hamrahGeneral,
    // The pending change: roaming becomes a topic of its own.
    draft: withDraft(hamrahGeneral, (d) => {
      const topic = d.body[0]!;
      if (topic.question?.kind !== "choice") throw new Error("demo script: the general topic is not a choice");
      topic.question.options = [...(topic.question.options ?? []).slice(0, 3), option("roaming", "رومینگ و سفر خارجی", "Roaming abroad"), ...(topic.question.options ?? []).slice(3)];
      topic.branches = [...(topic.branches ?? []), { answer: "roaming", next: "roaming" }];
      d.body.splice(d.body.length - 1, 0, {
        id: "roaming",
        prompt: tx("رومینگ را پیش از سفر با شمارهٔ ستاره ۵۵۵ ستاره ۷ مربع فعال کنید؛ تعرفهٔ هر کشور در اپلیکیشن آوای من آمده است.", "Activate roaming before you travel by dialling *555*7#; the rates per country are in the My Avaye app."),
        next: "closing",
      });
    }),
  },
  { tenant: "avaye-hamrah", queue: "support", name: "اسکریپت پشتیبانی فنی", published: hamrahSupport },
  { tenant: "avaye-hamrah", queue: "complaints", name: "اسکریپت رسیدگی به شکایات", published: hamrahComplaints },
  { tenant: "bazarche", queue: "ads", name: "اسکریپت آگهی‌ها", published: bazarcheAds },
  {
    tenant: "bazarche",
    queue: "fraud",
    name: "اسکریپت گزارش کلاهبرداری",
    published: bazarcheFraud,
    // The pending change: ask about a shared verification code before anything else.
    draft: withDraft(bazarcheFraud, (d) => {
      d.body.unshift({
        id: "code-shared",
        prompt: tx("آیا کد تأییدی را که پیامک شده به کسی گفته‌اید؟", "Did you give anyone a verification code you received by text message?"),
        question: { kind: "yesNo" },
        branches: [{ answer: "yes", next: "secure-account" }],
        next: "paid",
      });
      d.body.splice(1, 0, {
        id: "secure-account",
        prompt: tx("همین حالا رمز حساب را عوض و از همهٔ دستگاه‌ها خارج می‌کنیم.", "We are changing your password and signing you out of every device right now."),
        hint: tx("نشست‌های حساب را باطل و بازنشانی رمز را آغاز کنید.", "Revoke the account's sessions and start a password reset."),
        next: "paid",
      });
    }),
  },
  { tenant: "bazarche", queue: "sellers", name: "اسکریپت فروشندگان حرفه‌ای", published: bazarcheSellers },
  { tenant: "appestan", queue: "payments", name: "اسکریپت پرداخت‌ها", published: appestanPayments },
  {
    tenant: "appestan",
    queue: "refunds",
    name: "اسکریپت بازپرداخت",
    published: appestanRefunds,
    // The pending change: the refund window grows to 30 days for subscriptions.
    draft: withDraft(appestanRefunds, (d) => {
      const days = d.body[1]!;
      days.branches = [{ max: 30, next: "refund-method" }];
      days.prompt = tx("چند روز از خرید یا تمدید اشتراک گذشته است؟", "How many days ago was the purchase or the subscription renewal?");
      d.body[4]!.prompt = tx(
        "طبق قوانین اپستان، بازپرداخت تا ۳۰ روز پس از خرید ممکن است. می‌توانم اشتراک را لغو کنم تا دوباره تمدید نشود.",
        "Under Appestan's terms a refund is possible up to 30 days after purchase. I can cancel the subscription so it does not renew.",
      );
    }),
  },
  { tenant: "appestan", queue: "developers", name: "اسکریپت پشتیبانی توسعه‌دهندگان", published: appestanDevelopers },
];

type Actor = { userId: string | null; label: string };

/**
 * Stores the demo scripts as scripts.server.ts stores them: version 1 published and, where the demo
 * has one, version 2 a draft. Queues are looked up by tenant and key; a tenant or queue that does not
 * exist is skipped, and so is a queue that already has a script (running it twice adds nothing).
 * Runs in the seed's transaction (owner connection, bureau scope). Returns how many scripts it added.
 */
export async function seedScripts(
  trx: Kysely<DB>,
  tenantIdsBySlug: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
  opts: { actor?: Actor; at?: () => Date } = {},
): Promise<number> {
  const actor = opts.actor ?? { userId: null, label: "seed" };
  const at = opts.at ?? (() => new Date());
  const tenantId = (slug: string) => (tenantIdsBySlug instanceof Map ? tenantIdsBySlug.get(slug) : (tenantIdsBySlug as Readonly<Record<string, string>>)[slug]);
  const queuesByTenant = new Map<string, Map<string, string>>();
  let seeded = 0;
  for (const demo of DEMO_SCRIPTS) {
    const tid = tenantId(demo.tenant);
    if (!tid) continue;
    if (!queuesByTenant.has(tid)) queuesByTenant.set(tid, new Map((await queueOptions(trx, tid)).map((q) => [q.key, q.id] as const)));
    const queueId = queuesByTenant.get(tid)!.get(demo.queue);
    if (!queueId) continue;
    const existing = await trx.selectFrom("scripts").select("id").where("tenant_id", "=", tid).where("queue_id", "=", queueId).executeTakeFirst();
    if (existing) continue;

    const createdAt = at();
    const publishedAt = at();
    const script = await trx.insertInto("scripts").values({ tenant_id: tid, queue_id: queueId, name: demo.name, created_at: createdAt }).returning("id").executeTakeFirstOrThrow();
    const target = { type: "script", id: script.id };
    await trx
      .insertInto("script_versions")
      .values({
        tenant_id: tid,
        script_id: script.id,
        version: 1,
        status: "published",
        definition: JSON.stringify(scriptDefinitionSchema.parse(demo.published)),
        created_by: actor.userId,
        created_at: createdAt,
        published_at: publishedAt,
      })
      .execute();
    await recordAudit(trx, { tenantId: tid, actor, action: "script.created", target, data: { name: demo.name, queueId } });
    await recordAudit(trx, { tenantId: tid, actor, action: "script.published", target, data: { version: 1, previous: null } });
    if (demo.draft) {
      await trx
        .insertInto("script_versions")
        .values({
          tenant_id: tid,
          script_id: script.id,
          version: 2,
          status: "draft",
          definition: JSON.stringify(scriptDefinitionSchema.parse(demo.draft)),
          created_by: actor.userId,
          created_at: at(),
        })
        .execute();
      await recordAudit(trx, { tenantId: tid, actor, action: "script.draft_saved", target, data: { version: 2, errors: 0, warnings: 0 } });
    }
    seeded++;
  }
  return seeded;
}
