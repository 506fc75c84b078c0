/** A small built-in emoji set: the ones people use in support chats, no dependency. */
export const EMOJI = [..."😀😄😊🙂😉😍🤔😅😂🙏👍👎👋👏🙌💪🎉❤️🔥✅❌⭐️💡📦🚚💳📧📞⏰😢😡🤝"].filter((c) => c !== "\uFE0F");
