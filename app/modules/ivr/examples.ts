import { flowSchema, type Flow, type FlowInput } from "./model";

/**
 * A realistic Persian operator line (fa + en prompts), used by the tests and by the demo seed:
 * business hours first, then a language choice and the main menu
 * (1 balance and packages, 2 technical support, 3 complaints, 0 agent); after hours or on a holiday a
 * message and an offer to leave a message for a callback.
 */
export const OPERATOR_QUEUE_IDS = ["general", "support", "complaints"] as const;

export const operatorFlowInput = {
  start: "hours",
  goodbye: {
    text: { fa: "متأسفانه انتخابی دریافت نشد. از تماس شما سپاسگزاریم.", en: "Sorry, we did not receive a choice. Thank you for calling." },
  },
  nodes: [
    { id: "hours", type: "hours", open: "welcome", closed: "closed-msg", holiday: "holiday-msg", position: { x: 0, y: 0 } },
    {
      id: "welcome",
      type: "play",
      prompt: { text: { fa: "به مرکز تماس همراه خوش آمدید.", en: "Welcome to the Hamrah customer line." } },
      next: "lang",
      position: { x: 0, y: 120 },
    },
    {
      id: "lang",
      type: "language",
      prompt: { text: { fa: "برای ادامه به فارسی ۱ را فشار دهید.", en: "For English, press 2." } },
      options: [
        { digit: "1", language: "fa" },
        { digit: "2", language: "en" },
      ],
      timeoutSeconds: 4,
      maxRetries: 1,
      next: "main",
      position: { x: 0, y: 240 },
    },
    {
      id: "main",
      type: "menu",
      prompt: {
        text: {
          fa: "برای اطلاع از مانده حساب و بسته‌ها ۱، پشتیبانی فنی ۲، ثبت شکایت ۳ و برای صحبت با کارشناس ۰ را فشار دهید.",
          en: "For your balance and packages press 1, technical support 2, complaints 3, or press 0 to speak to an agent.",
        },
      },
      options: [
        { digit: "1", next: "balance" },
        { digit: "2", next: "support-q" },
        { digit: "3", next: "complaint-no" },
        { digit: "0", next: "agent-q" },
      ],
      timeoutSeconds: 6,
      maxRetries: 2,
      invalidPrompt: { text: { fa: "انتخاب شما معتبر نیست.", en: "That is not a valid choice." } },
      timeoutPrompt: { text: { fa: "انتخابی دریافت نشد.", en: "We did not receive a choice." } },
      fallback: "agent-q",
      position: { x: 0, y: 360 },
    },
    {
      id: "balance",
      type: "play",
      prompt: {
        text: {
          fa: "برای دیدن مانده حساب و خرید بسته، کد ستاره ۱۴۰ مربع را شماره‌گیری کنید یا از اپلیکیشن همراه من استفاده کنید.",
          en: "To check your balance and buy packages, dial star 140 hash or use the My Hamrah app.",
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
        { digit: "0", next: "agent-q" },
      ],
      maxRetries: 1,
      fallback: "bye",
      position: { x: -300, y: 600 },
    },
    {
      id: "complaint-no",
      type: "collect",
      prompt: {
        text: {
          fa: "اگر شماره پیگیری شکایت قبلی دارید آن را وارد کنید و سپس مربع را فشار دهید.",
          en: "If you have a complaint reference number, enter it followed by the hash key.",
        },
      },
      variable: "complaint_ref",
      minDigits: 6,
      maxDigits: 10,
      finishOnKey: "#",
      pattern: "[1-9][0-9]{5,9}",
      timeoutSeconds: 8,
      maxRetries: 1,
      invalidPrompt: { text: { fa: "شماره پیگیری معتبر نیست.", en: "That reference number is not valid." } },
      next: "complaints-q",
      fallback: "complaints-q",
      position: { x: 300, y: 480 },
    },
    {
      id: "support-q",
      type: "queue",
      queueId: "support",
      holdPrompt: { text: { fa: "تماس شما به پشتیبانی فنی منتقل می‌شود؛ لطفاً شکیبا باشید.", en: "Please hold for technical support." } },
      announcePosition: true,
      announceWait: true,
      announceEverySeconds: 60,
      callback: {
        afterSeconds: 120,
        whenWaitExceedsSeconds: 300,
        digit: "1",
        prompt: { text: { fa: "برای اینکه به جای انتظار با شما تماس بگیریم، ۱ را فشار دهید.", en: "To be called back instead of waiting, press 1." } },
        acceptedPrompt: { text: { fa: "درخواست تماس برگشتی شما ثبت شد. خدانگهدار.", en: "Your callback request is registered. Goodbye." } },
      },
      overflow: { afterSeconds: 900, next: "callback-vm" },
      position: { x: 150, y: 600 },
    },
    {
      id: "complaints-q",
      type: "queue",
      queueId: "complaints",
      holdPrompt: { text: { fa: "تماس شما به واحد رسیدگی به شکایات منتقل می‌شود.", en: "Please hold for the complaints desk." } },
      announcePosition: true,
      announceEverySeconds: 90,
      position: { x: 300, y: 600 },
    },
    {
      id: "agent-q",
      type: "queue",
      queueId: "general",
      holdPrompt: { text: { fa: "لطفاً تا پاسخگویی کارشناس منتظر بمانید.", en: "Please hold for the next available agent." } },
      announceWait: true,
      announceEverySeconds: 60,
      callback: {
        whenWaitExceedsSeconds: 240,
        digit: "1",
        prompt: { text: { fa: "زمان انتظار طولانی است؛ برای تماس برگشتی ۱ را فشار دهید.", en: "The wait is long; press 1 to be called back." } },
      },
      position: { x: 450, y: 600 },
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
      id: "holiday-msg",
      type: "play",
      prompt: { text: { fa: "امروز تعطیل رسمی است و مرکز تماس پاسخگو نیست.", en: "Today is a public holiday and the contact center is closed." } },
      next: "closed-menu",
      position: { x: 800, y: 120 },
    },
    {
      id: "closed-menu",
      type: "menu",
      prompt: {
        text: { fa: "برای ثبت پیام و درخواست تماس برگشتی ۱ را فشار دهید.", en: "To leave a message and be called back, press 1." },
      },
      options: [{ digit: "1", next: "callback-vm" }],
      maxRetries: 1,
      fallback: "bye",
      position: { x: 700, y: 240 },
    },
    {
      id: "callback-vm",
      type: "voicemail",
      prompt: {
        text: {
          fa: "پس از شنیدن صدای بوق نام و موضوع تماس خود را بگویید. در اولین فرصت با شما تماس می‌گیریم.",
          en: "After the tone, say your name and the reason for your call. We will call you back as soon as we can.",
        },
      },
      maxSeconds: 120,
      position: { x: 700, y: 360 },
    },
    {
      id: "bye",
      type: "hangup",
      message: { text: { fa: "از تماس شما سپاسگزاریم.", en: "Thank you for calling." } },
      position: { x: 700, y: 480 },
    },
  ],
} satisfies FlowInput;

export const operatorFlow: Flow = flowSchema.parse(operatorFlowInput);
