import type { Language } from "../app/modules/i18n/config";
import { operatorFlowInput, OPERATOR_QUEUE_IDS } from "../app/modules/ivr/examples";
import type { FlowInput } from "../app/modules/ivr/model";

/**
 * The demo tenants' phone menus (the seed stores them): per tenant a published Persian IVR with English
 * prompts too, and a draft with changes pending. Every prompt has fa and en text, so validating them
 * against the tenant's queues and both languages gives no errors (a unit test checks it).
 *
 * Queue ids: there is no queue registry before routing (issue 4); these are the ids the demo
 * tenants' queues will carry, the same words as the agents' skills at each tenant.
 */
export interface DemoFlow {
  /** tenant slug */
  tenant: string;
  name: string;
  queueIds: string[];
  languages: Language[];
  published: FlowInput;
  draft: FlowInput;
  /** What the pending draft changes (the version note). */
  draftNote: string;
}

type NodeInput = FlowInput["nodes"][number];
type MenuInput = Extract<NodeInput, { type: "menu" }>;

/** A copy of a published flow with its main menu extended and some nodes added: the pending draft. */
function withChanges(flow: FlowInput, menuId: string, option: { digit: string; next: string }, prompt: { fa: string; en: string }, added: NodeInput[]): FlowInput {
  const copy = structuredClone(flow);
  const menu = copy.nodes.find((n): n is MenuInput => n.id === menuId && n.type === "menu");
  if (!menu) throw new Error(`demo flow: no menu ${menuId}`);
  menu.options = [...menu.options, option];
  menu.prompt = { text: prompt };
  copy.nodes = [...copy.nodes, ...added];
  return copy;
}

const goodbye = {
  text: { fa: "متأسفانه انتخابی دریافت نشد. از تماس شما سپاسگزاریم.", en: "Sorry, we did not receive a choice. Thank you for calling." },
};
const invalidChoice = { text: { fa: "انتخاب شما معتبر نیست.", en: "That is not a valid choice." } };
const noChoice = { text: { fa: "انتخابی دریافت نشد.", en: "We did not receive a choice." } };
const thanks = { text: { fa: "از تماس شما سپاسگزاریم. خدانگهدار.", en: "Thank you for calling. Goodbye." } };
const languageChoice = (fa: string, en: string): NodeInput => ({
  id: "lang",
  type: "language",
  prompt: { text: { fa, en } },
  options: [
    { digit: "1", language: "fa" },
    { digit: "2", language: "en" },
  ],
  timeoutSeconds: 4,
  maxRetries: 1,
  next: "main",
  position: { x: 0, y: 240 },
});

// ---------------------------------------------------------------------------------------------
// آوای همراه: the operator line of app/modules/ivr/examples.ts; the draft adds "4: cancel value-added services".

const hamrahPublished: FlowInput = operatorFlowInput;
const hamrahDraft = withChanges(
  hamrahPublished,
  "main",
  { digit: "4", next: "vas-info" },
  {
    fa: "برای اطلاع از مانده حساب و بسته‌ها ۱، پشتیبانی فنی ۲، ثبت شکایت ۳، لغو سرویس‌های ارزش افزوده ۴ و برای صحبت با کارشناس ۰ را فشار دهید.",
    en: "For your balance and packages press 1, technical support 2, complaints 3, to cancel value-added services 4, or press 0 to speak to an agent.",
  },
  [
    {
      id: "vas-info",
      type: "play",
      prompt: {
        text: {
          fa: "برای لغو همه سرویس‌های ارزش افزوده، کد ستاره ۸۰۰ مربع را شماره‌گیری کنید. اگر بابت سرویسی که درخواست نکرده‌اید هزینه کسر شده، پس از این پیام منتظر کارشناس بمانید.",
          en: "To cancel all value-added services, dial star 800 hash. If you were charged for a service you did not ask for, stay on the line for an agent.",
        },
      },
      next: "unsubscribe-q",
      position: { x: -150, y: 480 },
    },
    {
      id: "unsubscribe-q",
      type: "queue",
      queueId: "unsubscribe",
      holdPrompt: { text: { fa: "تماس شما به کارشناس لغو سرویس منتقل می‌شود.", en: "Please hold for the subscriptions desk." } },
      announcePosition: true,
      announceEverySeconds: 60,
      callback: {
        afterSeconds: 90,
        digit: "1",
        prompt: { text: { fa: "برای تماس برگشتی به جای انتظار ۱ را فشار دهید.", en: "To be called back instead of waiting, press 1." } },
        acceptedPrompt: { text: { fa: "درخواست تماس برگشتی شما ثبت شد. خدانگهدار.", en: "Your callback request is registered. Goodbye." } },
      },
      position: { x: -150, y: 600 },
    },
  ],
);

// ---------------------------------------------------------------------------------------------
// بازارچه: a classifieds marketplace. 1 ads (posting, review status), 2 report a scam, 3 business
// accounts and paid promotion, 0 agent. After hours a scam can still be reported by voicemail.

const bazarchePublished: FlowInput = {
  start: "hours",
  goodbye,
  nodes: [
    { id: "hours", type: "hours", open: "welcome", closed: "closed-msg", holiday: "holiday-msg", position: { x: 0, y: 0 } },
    {
      id: "welcome",
      type: "play",
      prompt: {
        text: {
          fa: "به پشتیبانی بازارچه خوش آمدید. بازارچه هرگز از شما کد تأیید یا بیعانه نمی‌خواهد.",
          en: "Welcome to Bazarche support. Bazarche never asks you for a verification code or a deposit.",
        },
      },
      next: "lang",
      position: { x: 0, y: 120 },
    },
    languageChoice("برای ادامه به فارسی ۱ را فشار دهید.", "For English, press 2."),
    {
      id: "main",
      type: "menu",
      prompt: {
        text: {
          fa: "برای ثبت آگهی و پیگیری وضعیت بررسی آن ۱، گزارش کلاهبرداری ۲، حساب‌های کسب‌وکار و ارتقای آگهی ۳ و برای صحبت با کارشناس ۰ را فشار دهید.",
          en: "To post an ad or follow its review press 1, to report a scam 2, for business accounts and ad promotion 3, or press 0 to speak to an agent.",
        },
      },
      options: [
        { digit: "1", next: "ad-no" },
        { digit: "2", next: "fraud-warning" },
        { digit: "3", next: "sellers-q" },
        { digit: "0", next: "ads-q" },
      ],
      timeoutSeconds: 6,
      maxRetries: 2,
      invalidPrompt: invalidChoice,
      timeoutPrompt: noChoice,
      fallback: "ads-q",
      position: { x: 0, y: 360 },
    },
    {
      id: "ad-no",
      type: "collect",
      prompt: {
        text: {
          fa: "شماره هشت رقمی آگهی را وارد کنید و سپس مربع را فشار دهید. اگر آگهی ثبت نکرده‌اید فقط مربع را فشار دهید.",
          en: "Enter the eight-digit ad number followed by the hash key. If you have not posted an ad yet, just press hash.",
        },
      },
      variable: "ad_number",
      minDigits: 8,
      maxDigits: 8,
      finishOnKey: "#",
      pattern: "[0-9]{8}",
      timeoutSeconds: 8,
      maxRetries: 1,
      invalidPrompt: { text: { fa: "شماره آگهی معتبر نیست.", en: "That ad number is not valid." } },
      next: "ads-q",
      fallback: "ads-q",
      position: { x: -300, y: 480 },
    },
    {
      id: "fraud-warning",
      type: "play",
      prompt: {
        text: {
          fa: "پیش از دیدن کالا هیچ مبلغی واریز نکنید. برای گزارش کلاهبرداری، شماره آگهی و شماره تماس فروشنده را آماده داشته باشید.",
          en: "Never pay before you have seen the item. To report a scam, have the ad number and the seller's phone number ready.",
        },
      },
      next: "fraud-q",
      position: { x: 0, y: 480 },
    },
    {
      id: "fraud-q",
      type: "queue",
      queueId: "fraud",
      holdPrompt: { text: { fa: "تماس شما به واحد مقابله با کلاهبرداری منتقل می‌شود.", en: "Please hold for the fraud team." } },
      announcePosition: true,
      announceEverySeconds: 60,
      overflow: { afterSeconds: 600, next: "fraud-vm" },
      position: { x: 0, y: 600 },
    },
    {
      id: "sellers-q",
      type: "queue",
      queueId: "sellers",
      holdPrompt: { text: { fa: "لطفاً برای کارشناس حساب‌های کسب‌وکار منتظر بمانید.", en: "Please hold for the business accounts team." } },
      announceWait: true,
      announceEverySeconds: 90,
      callback: {
        whenWaitExceedsSeconds: 180,
        digit: "1",
        prompt: { text: { fa: "برای تماس برگشتی به جای انتظار ۱ را فشار دهید.", en: "To be called back instead of waiting, press 1." } },
        acceptedPrompt: { text: { fa: "درخواست تماس برگشتی شما ثبت شد. خدانگهدار.", en: "Your callback request is registered. Goodbye." } },
      },
      position: { x: 300, y: 480 },
    },
    {
      id: "ads-q",
      type: "queue",
      queueId: "ads",
      holdPrompt: { text: { fa: "لطفاً تا پاسخگویی کارشناس منتظر بمانید.", en: "Please hold for the next available agent." } },
      announcePosition: true,
      announceWait: true,
      announceEverySeconds: 60,
      callback: {
        afterSeconds: 120,
        digit: "1",
        prompt: { text: { fa: "برای تماس برگشتی ۱ را فشار دهید.", en: "Press 1 to be called back." } },
      },
      position: { x: -300, y: 600 },
    },
    {
      id: "closed-msg",
      type: "play",
      prompt: {
        text: {
          fa: "ساعات پاسخگویی شنبه تا چهارشنبه ۸ تا ۲۰ و پنجشنبه ۸ تا ۱۴ است. بیشتر پاسخ‌ها در بخش پشتیبانی اپلیکیشن بازارچه هست.",
          en: "We are open Saturday to Wednesday 8:00 to 20:00 and Thursday 8:00 to 14:00. Most answers are in the help section of the Bazarche app.",
        },
      },
      next: "closed-menu",
      position: { x: 600, y: 120 },
    },
    {
      id: "holiday-msg",
      type: "play",
      prompt: { text: { fa: "امروز تعطیل رسمی است و پشتیبانی بازارچه پاسخگو نیست.", en: "Today is a public holiday and Bazarche support is closed." } },
      next: "closed-menu",
      position: { x: 800, y: 120 },
    },
    {
      id: "closed-menu",
      type: "menu",
      prompt: {
        text: {
          fa: "برای گزارش کلاهبرداری و درخواست تماس برگشتی ۱ را فشار دهید.",
          en: "To report a scam and be called back, press 1.",
        },
      },
      options: [{ digit: "1", next: "fraud-vm" }],
      maxRetries: 1,
      fallback: "bye",
      position: { x: 700, y: 240 },
    },
    {
      id: "fraud-vm",
      type: "voicemail",
      prompt: {
        text: {
          fa: "پس از صدای بوق شماره آگهی و شرح ماجرا را بگویید. کارشناس ما با شما تماس می‌گیرد.",
          en: "After the tone, say the ad number and what happened. One of our agents will call you back.",
        },
      },
      maxSeconds: 180,
      position: { x: 700, y: 360 },
    },
    { id: "bye", type: "hangup", message: thanks, position: { x: 700, y: 480 } },
  ],
};

const bazarcheDraft = withChanges(
  bazarchePublished,
  "main",
  { digit: "4", next: "jobs-info" },
  {
    fa: "برای ثبت آگهی و پیگیری وضعیت بررسی آن ۱، گزارش کلاهبرداری ۲، حساب‌های کسب‌وکار و ارتقای آگهی ۳، آگهی‌های استخدام ۴ و برای صحبت با کارشناس ۰ را فشار دهید.",
    en: "To post an ad or follow its review press 1, to report a scam 2, for business accounts and ad promotion 3, for job ads 4, or press 0 to speak to an agent.",
  },
  [
    {
      id: "jobs-info",
      type: "play",
      prompt: {
        text: {
          fa: "آگهی‌های استخدام پس از تأیید هویت کارفرما منتشر می‌شوند. مدارک را از بخش حساب کسب‌وکار بارگذاری کنید.",
          en: "Job ads are published once the employer's identity is verified. Upload the documents in the business account section.",
        },
      },
      next: "jobs-menu",
      position: { x: 150, y: 480 },
    },
    {
      id: "jobs-menu",
      type: "menu",
      prompt: { text: { fa: "برای بازگشت به منوی اصلی ۹ و برای صحبت با کارشناس ۰ را فشار دهید.", en: "Press 9 for the main menu or 0 for an agent." } },
      options: [
        { digit: "9", next: "main" },
        { digit: "0", next: "sellers-q" },
      ],
      maxRetries: 1,
      fallback: "bye",
      position: { x: 150, y: 600 },
    },
  ],
);

// ---------------------------------------------------------------------------------------------
// اپستان: an app store. 1 purchases and payments, 2 refunds (with the order number), 3 developers,
// 0 agent. After hours: a message and a callback offer.

const appestanPublished: FlowInput = {
  start: "hours",
  goodbye,
  nodes: [
    { id: "hours", type: "hours", open: "welcome", closed: "closed-msg", holiday: "closed-msg", position: { x: 0, y: 0 } },
    {
      id: "welcome",
      type: "play",
      prompt: { text: { fa: "به پشتیبانی اپستان، فروشگاه اپلیکیشن‌های ایرانی، خوش آمدید.", en: "Welcome to Appestan support, the Iranian app store." } },
      next: "lang",
      position: { x: 0, y: 120 },
    },
    languageChoice("برای ادامه به فارسی ۱ را فشار دهید.", "For English, press 2."),
    {
      id: "main",
      type: "menu",
      prompt: {
        text: {
          fa: "برای مشکلات خرید و پرداخت درون‌برنامه‌ای ۱، درخواست بازگشت وجه ۲، پنل توسعه‌دهندگان ۳ و برای صحبت با کارشناس ۰ را فشار دهید.",
          en: "For purchase and in-app payment problems press 1, for a refund 2, for the developer console 3, or press 0 to speak to an agent.",
        },
      },
      options: [
        { digit: "1", next: "payments-info" },
        { digit: "2", next: "order-no" },
        { digit: "3", next: "developers-q" },
        { digit: "0", next: "payments-q" },
      ],
      timeoutSeconds: 6,
      maxRetries: 2,
      invalidPrompt: invalidChoice,
      timeoutPrompt: noChoice,
      fallback: "payments-q",
      position: { x: 0, y: 360 },
    },
    {
      id: "payments-info",
      type: "play",
      prompt: {
        text: {
          fa: "اگر مبلغ از حساب شما کسر شده ولی خرید فعال نشده، تا ۷۲ ساعت به حساب شما بازمی‌گردد. وضعیت هر خرید در بخش تراکنش‌های اپلیکیشن اپستان دیده می‌شود.",
          en: "If you were charged but the purchase was not activated, the money returns to your account within 72 hours. Every purchase's status is in the transactions section of the Appestan app.",
        },
      },
      next: "after-info",
      position: { x: -300, y: 480 },
    },
    {
      id: "after-info",
      type: "menu",
      prompt: { text: { fa: "برای بازگشت به منوی اصلی ۹ و برای صحبت با کارشناس ۰ را فشار دهید.", en: "Press 9 for the main menu or 0 for an agent." } },
      options: [
        { digit: "9", next: "main" },
        { digit: "0", next: "payments-q" },
      ],
      maxRetries: 1,
      fallback: "bye",
      position: { x: -300, y: 600 },
    },
    {
      id: "order-no",
      type: "collect",
      prompt: {
        text: {
          fa: "شماره ده رقمی سفارش را وارد کنید و سپس مربع را فشار دهید.",
          en: "Enter the ten-digit order number followed by the hash key.",
        },
      },
      variable: "order_number",
      minDigits: 10,
      maxDigits: 10,
      finishOnKey: "#",
      pattern: "[1-9][0-9]{9}",
      timeoutSeconds: 10,
      maxRetries: 2,
      invalidPrompt: { text: { fa: "شماره سفارش معتبر نیست.", en: "That order number is not valid." } },
      next: "refunds-q",
      fallback: "refunds-q",
      position: { x: 0, y: 480 },
    },
    {
      id: "refunds-q",
      type: "queue",
      queueId: "refunds",
      holdPrompt: { text: { fa: "تماس شما به کارشناس بازگشت وجه منتقل می‌شود.", en: "Please hold for the refunds desk." } },
      announcePosition: true,
      announceEverySeconds: 60,
      callback: {
        afterSeconds: 120,
        digit: "1",
        prompt: { text: { fa: "برای تماس برگشتی به جای انتظار ۱ را فشار دهید.", en: "To be called back instead of waiting, press 1." } },
        acceptedPrompt: { text: { fa: "درخواست تماس برگشتی شما ثبت شد. خدانگهدار.", en: "Your callback request is registered. Goodbye." } },
      },
      position: { x: 0, y: 600 },
    },
    {
      id: "developers-q",
      type: "queue",
      queueId: "developers",
      holdPrompt: { text: { fa: "لطفاً برای کارشناس توسعه‌دهندگان منتظر بمانید.", en: "Please hold for developer support." } },
      announceWait: true,
      announceEverySeconds: 120,
      overflow: { afterSeconds: 600, next: "callback-vm" },
      position: { x: 300, y: 480 },
    },
    {
      id: "payments-q",
      type: "queue",
      queueId: "payments",
      holdPrompt: { text: { fa: "لطفاً تا پاسخگویی کارشناس منتظر بمانید.", en: "Please hold for the next available agent." } },
      announcePosition: true,
      announceWait: true,
      announceEverySeconds: 60,
      callback: {
        whenWaitExceedsSeconds: 240,
        digit: "1",
        prompt: { text: { fa: "زمان انتظار طولانی است؛ برای تماس برگشتی ۱ را فشار دهید.", en: "The wait is long; press 1 to be called back." } },
      },
      position: { x: -300, y: 720 },
    },
    {
      id: "closed-msg",
      type: "play",
      prompt: {
        text: {
          fa: "ساعات پاسخگویی شنبه تا چهارشنبه ۸ تا ۲۰ و پنجشنبه ۸ تا ۱۴ است.",
          en: "We are open Saturday to Wednesday 8:00 to 20:00 and Thursday 8:00 to 14:00.",
        },
      },
      next: "closed-menu",
      position: { x: 600, y: 120 },
    },
    {
      id: "closed-menu",
      type: "menu",
      prompt: { text: { fa: "برای ثبت پیام و درخواست تماس برگشتی ۱ را فشار دهید.", en: "To leave a message and be called back, press 1." } },
      options: [{ digit: "1", next: "callback-vm" }],
      maxRetries: 1,
      fallback: "bye",
      position: { x: 600, y: 240 },
    },
    {
      id: "callback-vm",
      type: "voicemail",
      prompt: {
        text: {
          fa: "پس از صدای بوق نام، شماره سفارش و موضوع تماس را بگویید. در اولین روز کاری با شما تماس می‌گیریم.",
          en: "After the tone, say your name, the order number and the reason for your call. We will call you back on the next working day.",
        },
      },
      maxSeconds: 120,
      position: { x: 600, y: 360 },
    },
    { id: "bye", type: "hangup", message: thanks, position: { x: 600, y: 480 } },
  ],
};

const appestanDraft = withChanges(
  appestanPublished,
  "main",
  { digit: "4", next: "gift-info" },
  {
    fa: "برای مشکلات خرید و پرداخت درون‌برنامه‌ای ۱، درخواست بازگشت وجه ۲، پنل توسعه‌دهندگان ۳، فعال‌سازی کارت هدیه ۴ و برای صحبت با کارشناس ۰ را فشار دهید.",
    en: "For purchase and in-app payment problems press 1, for a refund 2, for the developer console 3, to activate a gift card 4, or press 0 to speak to an agent.",
  },
  [
    {
      id: "gift-info",
      type: "play",
      prompt: {
        text: {
          fa: "کارت هدیه را از بخش حساب من و گزینه افزایش اعتبار فعال کنید. کد شانزده رقمی پشت کارت را بدون فاصله وارد کنید.",
          en: "Activate a gift card under My account, Top up. Enter the sixteen-digit code on the back of the card without spaces.",
        },
      },
      next: "after-info",
      position: { x: -150, y: 480 },
    },
  ],
);

export const DEMO_FLOWS: DemoFlow[] = [
  {
    tenant: "avaye-hamrah",
    name: "خط اصلی پشتیبانی",
    queueIds: [...OPERATOR_QUEUE_IDS, "unsubscribe"],
    languages: ["fa", "en"],
    published: hamrahPublished,
    draft: hamrahDraft,
    draftNote: "گزینه ۴: لغو سرویس‌های ارزش افزوده",
  },
  {
    tenant: "bazarche",
    name: "پشتیبانی کاربران",
    queueIds: ["ads", "fraud", "sellers"],
    languages: ["fa", "en"],
    published: bazarchePublished,
    draft: bazarcheDraft,
    draftNote: "گزینه ۴: آگهی‌های استخدام",
  },
  {
    tenant: "appestan",
    name: "پشتیبانی خرید",
    queueIds: ["payments", "refunds", "developers"],
    languages: ["fa", "en"],
    published: appestanPublished,
    draft: appestanDraft,
    draftNote: "گزینه ۴: فعال‌سازی کارت هدیه",
  },
];
